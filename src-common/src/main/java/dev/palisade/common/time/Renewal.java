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

  /**
   * Half-life with jitter: a random point between 40% and 60% of the lifetime, so sidecars that
   * started together do not all renew in the same second.
   */
  public static Instant jitteredHalfLife(Instant notBefore, Instant notAfter,
      java.util.random.RandomGenerator random) {
    long lifetime = Duration.between(notBefore, notAfter).toMillis();
    return notBefore.plusMillis((long) (lifetime * (0.4 + 0.2 * random.nextDouble())));
  }
}
