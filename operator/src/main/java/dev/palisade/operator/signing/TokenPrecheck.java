package dev.palisade.operator.signing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.operator.http.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Cheap checks of a service account token before the API server is asked about it: it must be a
 * JWT whose payload (decoded, not verified: only the TokenReview verifies) says it has not expired
 * and is for audience {@code palisade}. A token that fails them could never pass the TokenReview,
 * so it is refused at once, on the event loop, costing no worker and no API call. The messages
 * never quote the token.
 */
final class TokenPrecheck {

  /** Tokens are small; a payload beyond this is not a service account token. */
  private static final int MAX_PAYLOAD_CHARS = 8192;

  private TokenPrecheck() {}

  /** Why {@code token} cannot be valid, or empty if the TokenReview must decide. */
  static Optional<SigningRejection> check(String token, String audience, Instant now) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || parts[1].isEmpty() || parts[1].length() > MAX_PAYLOAD_CHARS) {
      return refuse(SigningOutcome.INVALID_TOKEN, "the token is not a JWT");
    }
    JsonNode payload;
    try {
      payload = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(strip(parts[1])));
    } catch (IllegalArgumentException | IOException e) {
      return refuse(SigningOutcome.INVALID_TOKEN, "the token is not a JWT");
    }
    if (payload == null || !payload.isObject()) {
      return refuse(SigningOutcome.INVALID_TOKEN, "the token is not a JWT");
    }
    JsonNode exp = payload.get("exp");
    if (exp == null || !exp.canConvertToLong()) {
      return refuse(SigningOutcome.INVALID_TOKEN, "the token has no expiry; use a projected"
          + " service account token");
    }
    if (!now.isBefore(Instant.ofEpochSecond(exp.asLong()))) {
      return refuse(SigningOutcome.INVALID_TOKEN, "the token has expired; the kubelet refreshes"
          + " projected tokens: read it again from the file");
    }
    if (!forAudience(payload.get("aud"), audience)) {
      return refuse(SigningOutcome.WRONG_AUDIENCE, "the token is not for audience \"" + audience
          + "\"; mount a projected token with audience: " + audience);
    }
    return Optional.empty();
  }

  /** When {@code token} expires, if it says so (for how long a refusal may be remembered). */
  static Optional<Instant> expiry(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonNode exp = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(strip(parts[1])))
          .get("exp");
      return exp != null && exp.canConvertToLong()
          ? Optional.of(Instant.ofEpochSecond(exp.asLong())) : Optional.empty();
    } catch (IllegalArgumentException | IOException | NullPointerException e) {
      return Optional.empty();
    }
  }

  private static boolean forAudience(JsonNode aud, String audience) {
    if (aud == null) {
      return false;
    }
    if (aud.isTextual()) {
      return aud.asText().equals(audience);
    }
    if (aud.isArray()) {
      for (JsonNode entry : aud) {
        if (entry.isTextual() && entry.asText().equals(audience)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String strip(String base64url) {
    int end = base64url.length();
    while (end > 0 && base64url.charAt(end - 1) == '=') {
      end--;
    }
    return base64url.substring(0, end);
  }

  private static Optional<SigningRejection> refuse(SigningOutcome outcome, String message) {
    return Optional.of(new SigningRejection(outcome, message));
  }
}
