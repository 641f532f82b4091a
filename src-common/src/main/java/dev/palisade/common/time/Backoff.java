package dev.palisade.common.time;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter (AWS's "full jitter"): attempt n waits a random time in
 * [0, min(cap, base * 2^n)], so many clients retrying at once spread out.
 */
public record Backoff(Duration base, Duration cap) {

  public Duration delay(int attempt, RandomGenerator random) {
    long ceiling = cap.toMillis();
    long exponential = base.toMillis() << Math.min(attempt, 30);
    long bound = exponential <= 0 || exponential > ceiling ? ceiling : exponential;
    return Duration.ofMillis(random.nextLong(bound + 1));
  }
}
