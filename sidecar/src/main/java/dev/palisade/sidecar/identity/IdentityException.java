package dev.palisade.sidecar.identity;

import java.time.Duration;
import java.util.Optional;

/**
 * A certificate request that failed; {@link #reason()} is a metric label from a closed set and
 * {@link #retryAfter()} the server's hint, if it gave one.
 */
public class IdentityException extends Exception {

  private final String reason;
  private final Duration retryAfter;

  public IdentityException(String reason, String message, Duration retryAfter) {
    super(message);
    this.reason = reason;
    this.retryAfter = retryAfter;
  }

  public String reason() {
    return reason;
  }

  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
