package dev.palisade.operator.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When the serving certificate is renewed: pure arithmetic on a fixed clock. */
class ServingCertificateTest {

  private static final Instant ISSUED = Instant.parse("2026-11-27T12:00:00Z");

  @Test
  void renewsAtHalfLife() {
    Instant notBefore = ISSUED.minus(Duration.ofMinutes(5)); // X509Profiles backdates notBefore
    Instant notAfter = ISSUED.plus(Duration.ofHours(24));
    assertThat(ServingCertificate.renewalDelay(notBefore, notAfter, ISSUED))
        .isEqualTo(Duration.ofHours(12).minus(Duration.ofMinutes(5).dividedBy(2)));
  }

  @Test
  void neverRenewsInATightLoopWhenHalfLifeHasPassed() {
    // A lifetime shorter than the backdating puts half-life in the past.
    Instant notBefore = ISSUED.minus(Duration.ofMinutes(5));
    Instant notAfter = ISSUED.plus(Duration.ofSeconds(30));
    assertThat(ServingCertificate.renewalDelay(notBefore, notAfter, ISSUED))
        .isEqualTo(ServingCertificate.MIN_RENEWAL_DELAY);
  }

  @Test
  void retriesBackOffExponentiallyUpToAMinute() {
    assertThat(ServingCertificate.retryDelay(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(ServingCertificate.retryDelay(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(ServingCertificate.retryDelay(6)).isEqualTo(Duration.ofSeconds(32));
    assertThat(ServingCertificate.retryDelay(7)).isEqualTo(Duration.ofMinutes(1));
    assertThat(ServingCertificate.retryDelay(1000)).isEqualTo(Duration.ofMinutes(1));
  }
}
