package dev.palisade.operator.reconciler.workloadcertificate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.api.v1alpha1.TrustDomainSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TrustDomainLimitsTest {

  @Test
  void theFirstCreatedTrustDomainOfTheTrustDomainDecides() {
    TrustDomain older = trustDomain("b-older", "2026-01-01T00:00:00Z", "td.test", "720h");
    TrustDomain newer = trustDomain("a-newer", "2026-02-01T00:00:00Z", "td.test", "24h");
    TrustDomain other = trustDomain("other", "2025-01-01T00:00:00Z", "other.test", "1h");

    assertThat(TrustDomainLimits.maxLifetime(Stream.of(newer, other, older), "td.test"))
        .isEqualTo(Duration.ofHours(720));
  }

  @Test
  void noneWhenUnsetOrNoTrustDomainClaimsIt() {
    TrustDomain unset = trustDomain("unset", "2026-01-01T00:00:00Z", "td.test", null);

    assertThat(TrustDomainLimits.maxLifetime(Stream.of(unset), "td.test")).isNull();
    assertThat(TrustDomainLimits.maxLifetime(Stream.of(unset), "elsewhere.test")).isNull();
    assertThat(TrustDomainLimits.maxLifetime(Stream.empty(), "td.test")).isNull();
  }

  private static TrustDomain trustDomain(String name, String created, String trustDomain,
      String maxLifetime) {
    TrustDomain td = new TrustDomain();
    td.setMetadata(new ObjectMetaBuilder().withName(name).withCreationTimestamp(created).build());
    td.setSpec(new TrustDomainSpec());
    td.getSpec().trustDomain = trustDomain;
    if (maxLifetime != null) {
      td.getSpec().workloadCertificates = new TrustDomainSpec.WorkloadCertificates();
      td.getSpec().workloadCertificates.maxLifetime = maxLifetime;
    }
    return td;
  }
}
