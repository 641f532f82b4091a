package dev.palisade.operator.reconciler.workloadcertificate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.operator.ca.CertificateLimits;
import dev.palisade.testing.TestCa;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class IssueScheduleTest {

  private static final TestCa CA = TestCa.create("schedule.test");
  private static final Instant ISSUED = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static final CertificateLimits LIMITS = CertificateLimits.DEFAULTS;
  private static final X509Certificate LEAF =
      CA.leaf(CA.identity("ns", "sa"), ISSUED, Duration.ofHours(2)).leaf();

  @Test
  void aMissingSecretIsIssuedAtOnce() {
    assertThat(IssueSchedule.decide(null, false, null, LIMITS, ISSUED).issueNow()).isTrue();
  }

  @Test
  void aFittingLeafWaitsForItsRenewalTime() {
    IssueSchedule before = IssueSchedule.decide(LEAF, false, null, LIMITS,
        ISSUED.plus(Duration.ofMinutes(59)));
    assertThat(before.issueNow()).isFalse();
    assertThat(before.nextCheck()).isEqualTo(ISSUED.plus(Duration.ofHours(1)));
    assertThat(IssueSchedule.decide(LEAF, false, null, LIMITS, ISSUED.plus(Duration.ofHours(1)))
        .issueNow()).isTrue();
  }

  /** A spec edit or root rotation re-issues, but at most once per minimum interval. */
  @Test
  void anOutdatedLeafIsReissuedOncePerIntervalAtMost() {
    IssueSchedule tooSoon = IssueSchedule.decide(LEAF, true, null, LIMITS, ISSUED.plusSeconds(10));
    assertThat(tooSoon.issueNow()).isFalse();
    assertThat(tooSoon.nextCheck()).isEqualTo(ISSUED.plus(LIMITS.minimumRenewalInterval()));

    assertThat(IssueSchedule.decide(LEAF, true, null, LIMITS,
        ISSUED.plus(LIMITS.minimumRenewalInterval())).issueNow()).isTrue();
  }
}
