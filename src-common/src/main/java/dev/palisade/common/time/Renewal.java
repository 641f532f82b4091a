package dev.palisade.common.time;

import java.time.Duration;
import java.time.Instant;

/**
 * When to renew a certificate: one pure function, so the operator and the sidecar agree and
 * tests can check it with a fixed clock.
 */
public final class Renewal {
  private Renewal() {}

  /**
   * {@code renewBefore} ahead of notAfter when given, else at half-life; never before notBefore.
   */
  public static Instant renewalTime(Instant notBefore, Instant notAfter, Duration renewBefore) {
    Instant at = renewBefore != null
        ? notAfter.minus(renewBefore)
        : notBefore.plus(Duration.between(notBefore, notAfter).dividedBy(2));
    return at.isBefore(notBefore) ? notBefore : at;
  }
}
