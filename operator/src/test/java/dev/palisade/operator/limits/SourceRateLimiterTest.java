package dev.palisade.operator.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SourceRateLimiterTest {

  private Instant now = Instant.parse("2026-12-04T12:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };

  private static InetSocketAddress source(String ip) {
    return new InetSocketAddress(ip, 40000);
  }

  @Test
  void eachSourceHasItsOwnBucketRefilledOverTime() {
    SourceRateLimiter limiter = new SourceRateLimiter(3, 1, 100, clock);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire(source("10.0.0.1"))).isTrue();
    }
    assertThat(limiter.tryAcquire(source("10.0.0.1"))).isFalse();
    assertThat(limiter.tryAcquire(source("10.0.0.2"))).as("another source").isTrue();

    now = now.plus(Duration.ofSeconds(1));
    assertThat(limiter.tryAcquire(source("10.0.0.1"))).isTrue();
    assertThat(limiter.tryAcquire(source("10.0.0.1"))).isFalse();
  }

  @Test
  void theMapOfSourcesIsBounded() {
    SourceRateLimiter limiter = new SourceRateLimiter(1, 1, 10, clock);
    for (int i = 0; i < 1000; i++) {
      limiter.tryAcquire(source("10.0." + (i / 250) + "." + (i % 250)));
    }
    assertThat(limiter.trackedSources()).isEqualTo(10);
  }
}
