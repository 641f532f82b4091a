package dev.palisade.operator.reconciler.workloadcertificate;

import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.common.time.KubeDuration;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Comparator;
import java.util.Objects;

/** The maximum lifetime the TrustDomain serving a trust domain allows its certificates. */
final class TrustDomainLimits {

  private TrustDomainLimits() {}

  /**
   * The {@code spec.workloadCertificates.maxLifetime} of the first-created TrustDomain claiming
   * {@code trustDomain} (the one that serves it), or null when unset or there is none.
   */
  static Duration maxLifetime(KubernetesClient client, String trustDomain) {
    return client.resources(TrustDomain.class).list().getItems().stream()
        .filter(td -> td.getSpec() != null && trustDomain.equals(td.getSpec().trustDomain))
        .min(Comparator.comparing((TrustDomain td) -> Objects.requireNonNullElse(
            td.getMetadata().getCreationTimestamp(), ""))
            .thenComparing(td -> td.getMetadata().getName()))
        .map(td -> td.getSpec().workloadCertificates)
        .map(workloads -> workloads.maxLifetime)
        .map(KubeDuration::parse)
        .orElse(null);
  }
}
