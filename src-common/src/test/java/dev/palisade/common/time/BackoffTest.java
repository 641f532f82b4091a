package dev.palisade.common.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));

  @Test
  void growsExponentiallyUpToTheCap() {
    SplittableRandom random = new SplittableRandom(7);
    for (int attempt = 0; attempt < 40; attempt++) {
      long bound = Math.min(60_000, 1_000L << Math.min(attempt, 30));
      for (int i = 0; i < 50; i++) {
        assertThat(backoff.delay(attempt, random).toMillis()).isBetween(0L, bound);
      }
    }
  }

  @Test
  void laterAttemptsWaitLongerOnAverage() {
    SplittableRandom random = new SplittableRandom(7);
    double first = 0;
    double sixth = 0;
    for (int i = 0; i < 2000; i++) {
      first += backoff.delay(0, random).toMillis();
      sixth += backoff.delay(5, random).toMillis();
    }
    assertThat(sixth / 2000).isGreaterThan(10 * first / 2000);
  }
}
