package dev.palisade.operator.reconciler.workloadcertificate;

import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.common.time.KubeDuration;
import java.time.Duration;
import java.util.Comparator;
import java.util.Objects;
import java.util.stream.Stream;

/** The maximum lifetime the TrustDomain serving a trust domain allows its certificates. */
final class TrustDomainLimits {

  private TrustDomainLimits() {}

  /**
   * The {@code spec.workloadCertificates.maxLifetime} of the first-created of {@code
   * trustDomains} claiming {@code trustDomain} (the one that serves it), or null when unset or
   * there is none.
   *
   * @param trustDomains every TrustDomain, as the reconciler's informer holds them (a listing
   *     through the API on every reconcile cost one request per WorkloadCertificate event)
   */
  static Duration maxLifetime(Stream<TrustDomain> trustDomains, String trustDomain) {
    return trustDomains
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
