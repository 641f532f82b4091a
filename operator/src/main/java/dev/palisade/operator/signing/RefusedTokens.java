package dev.palisade.operator.signing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tokens the API server refused a moment ago, by SHA-256 (never the token itself), so the same
 * bad token sent again is refused without another TokenReview. Short-lived (a token refused for
 * a race, such as a pod not yet seen, is not punished long) and bounded (oldest first out).
 */
final class RefusedTokens {

  private final Duration ttl;
  private final Clock clock;
  private final Map<String, Instant> until;

  RefusedTokens(Duration ttl, int maxEntries, Clock clock) {
    this.ttl = ttl;
    this.clock = clock;
    this.until = new LinkedHashMap<>(256, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
        return size() > maxEntries;
      }
    };
  }

  void remember(String token) {
    String key = hash(token);
    Instant expires = clock.instant().plus(ttl);
    synchronized (until) {
      until.put(key, expires);
    }
  }

  boolean recentlyRefused(String token) {
    String key = hash(token);
    Instant now = clock.instant();
    synchronized (until) {
      Instant expires = until.get(key);
      if (expires == null) {
        return false;
      }
      if (!now.isBefore(expires)) {
        until.remove(key);
        return false;
      }
      return true;
    }
  }

  int size() {
    synchronized (until) {
      return until.size();
    }
  }

  private static String hash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
