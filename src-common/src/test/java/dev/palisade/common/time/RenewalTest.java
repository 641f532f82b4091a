package dev.palisade.common.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RenewalTest {
  private static final Instant NOT_BEFORE = Instant.parse("2026-11-27T00:00:00Z");
  private static final Instant NOT_AFTER = NOT_BEFORE.plus(Duration.ofHours(24));

  @Test
  void halfLifeByDefault() {
    assertThat(Renewal.renewalTime(NOT_BEFORE, NOT_AFTER, null))
        .isEqualTo(Instant.parse("2026-11-27T12:00:00Z"));
  }

  @Test
  void renewBeforeCountsBackFromExpiry() {
    assertThat(Renewal.renewalTime(NOT_BEFORE, NOT_AFTER, Duration.ofHours(4)))
        .isEqualTo(Instant.parse("2026-11-27T20:00:00Z"));
  }

  @Test
  void neverBeforeTheCertificateIsValid() {
    assertThat(Renewal.renewalTime(NOT_BEFORE, NOT_AFTER, Duration.ofHours(48)))
        .isEqualTo(NOT_BEFORE);
  }

  @Test
  void jitterSpreadsRenewalsAroundHalfLife() {
    var random = new java.util.SplittableRandom(42);
    java.util.Set<Instant> seen = new java.util.HashSet<>();
    for (int i = 0; i < 1000; i++) {
      Instant at = Renewal.jitteredHalfLife(NOT_BEFORE, NOT_AFTER, random);
      assertThat(at).isBetween(NOT_BEFORE.plus(Duration.ofMinutes(576)), // 40% of 24h
          NOT_BEFORE.plus(Duration.ofMinutes(864)));                      // 60% of 24h
      seen.add(at);
    }
    assertThat(seen).hasSizeGreaterThan(900);
  }
}
