package dev.palisade.operator.signing;

import java.util.Optional;
import java.util.regex.Pattern;

/** The token of an {@code Authorization: Bearer <token>} header (RFC 6750). */
final class BearerToken {

  // token68: what a JWT, or any bearer token, is made of.
  private static final Pattern TOKEN68 = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");
  private static final String SCHEME = "Bearer ";

  private BearerToken() {}

  /** The token, or empty when the header is absent, of another scheme, or not a token. */
  static Optional<String> from(Optional<String> authorization) {
    return authorization
        .map(String::strip)
        .filter(value -> value.regionMatches(true, 0, SCHEME, 0, SCHEME.length()))
        .map(value -> value.substring(SCHEME.length()).strip())
        .filter(token -> TOKEN68.matcher(token).matches());
  }
}
