package dev.palisade.operator.ca;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.testing.TestCa;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class LifetimeRulesTest {

  private static final TestCa CA = TestCa.create("rules.test");
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static final CertificateLimits LIMITS = CertificateLimits.DEFAULTS;

  private static X509Certificate leaf(Duration lifetime) {
    return CA.leaf(CA.identity("ns", "sa"), NOW, lifetime).leaf();
  }

  @Test
  void theDefaultsAreCertManagers() {
    assertThat(LIMITS.minimumLifetime()).isEqualTo(Duration.ofHours(1));
    assertThat(LIMITS.minimumRenewBefore()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aLifetimeBelowTheMinimumIsRefusedSayingTheMinimum() {
    var refusal = LifetimeRules.check("spec.lifetime", Duration.ofMinutes(1), null, null, LIMITS);

    assertThat(refusal).hasValueSatisfying(r -> {
      assertThat(r.reason()).isEqualTo("LifetimeTooShort");
      assertThat(r.message()).startsWith("spec.lifetime 1m ").contains("minimum of 1h");
    });
    assertThat(LifetimeRules.check("spec.lifetime", Duration.ofHours(1), null, null, LIMITS))
        .isEmpty();
  }

  @Test
  void aLifetimeAboveTheTrustDomainsMaximumIsRefused() {
    assertThat(LifetimeRules.check("spec.lifetime", Duration.ofHours(49), null,
        Duration.ofHours(48), LIMITS)).hasValueSatisfying(r -> {
          assertThat(r.reason()).isEqualTo("LifetimeTooLong");
          assertThat(r.message()).contains("maxLifetime of 48h");
        });
    assertThat(LifetimeRules.check("spec.lifetime", Duration.ofHours(48), null,
        Duration.ofHours(48), LIMITS)).isEmpty();
  }

  @Test
  void renewBeforeBelowTheMinimumOrNotShorterThanTheLifetimeIsRefused() {
    assertThat(LifetimeRules.check("spec.lifetime", Duration.ofHours(1), Duration.ofSeconds(59),
        null, LIMITS)).hasValueSatisfying(r -> assertThat(r.reason())
            .isEqualTo("RenewBeforeTooShort"));
    // lifetime inherited from the TrustDomain: the schema could not compare the two
    assertThat(LifetimeRules.check("the TrustDomain's workload lifetime", Duration.ofHours(1),
        Duration.ofHours(2), null, LIMITS)).hasValueSatisfying(r -> assertThat(r.reason())
            .isEqualTo("RenewBeforeTooLong"));
  }

  /** The bug: half-life was taken from the backdated notBefore, so a 1m leaf was due at once. */
  @Test
  void halfLifeCountsFromIssueNotFromTheBackdatedNotBefore() {
    X509Certificate leaf = leaf(Duration.ofHours(2));

    assertThat(LifetimeRules.issuedAt(leaf)).isEqualTo(NOW);
    assertThat(LifetimeRules.renewalTime(leaf, null, LIMITS)).isEqualTo(NOW.plus(Duration.ofHours(1)));
  }

  @Test
  void renewalIsNeverSoonerThanTheMinimumIntervalAfterIssue() {
    CertificateLimits limits = new CertificateLimits(Duration.ZERO, Duration.ZERO,
        Duration.ofMinutes(1));
    // what `lifetime: 1m` + `renewBefore: 59s` asked for: renewal 1s after issue, 54 times in 30 s
    X509Certificate leaf = leaf(Duration.ofMinutes(1));

    assertThat(LifetimeRules.renewalTime(leaf, Duration.ofSeconds(59), limits))
        .isEqualTo(NOW.plus(Duration.ofMinutes(1)));
    assertThat(LifetimeRules.renewalTime(leaf(Duration.ofSeconds(30)), null, limits))
        .as("never after expiry").isEqualTo(NOW.plusSeconds(30));
  }

  @Test
  void aLeafCutAtItsIssuersExpiryIsShortened() {
    X509Certificate cut = leaf(Duration.ofDays(3650)); // the issuer lives 90 days

    assertThat(LifetimeRules.shortened(cut, Duration.ofDays(3650))).isTrue();
    assertThat(LifetimeRules.shortened(leaf(Duration.ofHours(24)), Duration.ofHours(24))).isFalse();
    assertThat(LifetimeRules.wouldBeShortened(CA.issuer().certificate(), Duration.ofDays(3650),
        NOW)).isTrue();
    assertThat(LifetimeRules.wouldBeShortened(CA.issuer().certificate(), Duration.ofDays(30),
        NOW)).isFalse();
  }

  @Test
  void durationsAreFormattedAsUsersWriteThem() {
    assertThat(KubeDurations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(KubeDurations.format(Duration.ofSeconds(15))).isEqualTo("15s");
    assertThat(KubeDurations.format(Duration.ofHours(87600))).isEqualTo("87600h");
  }
}
