package dev.palisade.operator.reconciler.trustdomain;

import dev.palisade.api.v1alpha1.TrustDomain;
import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Which TrustDomain serves a trust domain that two claim: the first created (by creation
 * timestamp, then name, so every replica agrees). The other is refused instead of two CAs signing
 * the same identities, with the registry picking one at random.
 */
final class TrustDomainClaims {

  private TrustDomainClaims() {}

  static final Comparator<TrustDomain> FIRST_CREATED = Comparator
      .comparing((TrustDomain td) -> Objects.requireNonNullElse(
          td.getMetadata().getCreationTimestamp(), ""))
      .thenComparing(td -> td.getMetadata().getName());

  /** The TrustDomain created before {@code trustDomain} that claims its trust domain, if any. */
  static Optional<TrustDomain> olderClaim(TrustDomain trustDomain, Collection<TrustDomain> all) {
    String claimed = trustDomain.getSpec().trustDomain;
    return all.stream()
        .filter(other -> other.getSpec() != null && claimed.equals(other.getSpec().trustDomain))
        .filter(other -> other.getMetadata().getDeletionTimestamp() == null)
        .filter(other -> FIRST_CREATED.compare(other, trustDomain) < 0)
        .min(FIRST_CREATED);
  }
}
