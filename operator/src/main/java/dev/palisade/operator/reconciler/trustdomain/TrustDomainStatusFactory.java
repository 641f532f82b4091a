package dev.palisade.operator.reconciler.trustdomain;

import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.api.v1alpha1.TrustDomainStatus;
import dev.palisade.common.pki.Fingerprints;
import dev.palisade.operator.ca.CaState;
import dev.palisade.operator.ca.KubeDurations;
import dev.palisade.operator.kube.Conditions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.stream.Collectors;

/** TrustDomain statuses, stamped with the generation they describe. */
final class TrustDomainStatusFactory {

  private final Conditions conditions;

  TrustDomainStatusFactory(Clock clock) {
    this.conditions = new Conditions(clock);
  }

  TrustDomainStatus ready(TrustDomain trustDomain, TrustDomainStatus previous, CaState state) {
    TrustDomainStatus status = new TrustDomainStatus();
    long generation = trustDomain.getMetadata().getGeneration();
    status.observedGeneration = generation;
    status.root = summary(state.newestRoot());
    status.issuer = summary(state.issuer().certificate());
    status.bundleRoots = state.roots().size();
    status.bundleVersion = bundleVersion(state);
    String message = state.roots().size() > 1
        ? "Issuing; root rotation in progress, the trust bundle carries " + state.roots().size() + " roots"
        : "Issuing workload certificates for " + state.trustDomain();
    status.conditions = conditions.set(previous.conditions, Conditions.READY, true, "Issuing",
        message, generation);
    return status;
  }

  /**
   * Condition type saying workload certificates are cut at the issuer's expiry, shorter than the
   * lifetime asked for; never silent.
   */
  static final String LIFETIME_SHORTENED = "LifetimeShortened";

  boolean lifetimeShortened(TrustDomainStatus status) {
    return status.conditions.stream().anyMatch(c -> c.getType().equals(LIFETIME_SHORTENED)
        && c.getStatus().equals("True"));
  }

  static String shortenedMessage(CaState state) {
    return "spec.workloadCertificates.lifetime "
        + KubeDurations.format(state.workloadLifetime()) + " reaches past the"
        + " issuer's expiry (" + state.issuer().certificate().getNotAfter().toInstant() + "):"
        + " workload certificates are cut to it; set a shorter lifetime or a longer"
        + " spec.issuer.lifetime";
  }

  TrustDomainStatus withLifetimeShortened(TrustDomain trustDomain, TrustDomainStatus status,
      CaState state, boolean shortened) {
    long generation = trustDomain.getMetadata().getGeneration();
    status.conditions = conditions.set(status.conditions, LIFETIME_SHORTENED, shortened,
        shortened ? "CutAtIssuerExpiry" : "AsRequested",
        shortened ? shortenedMessage(state)
            : "workload certificates get the lifetime asked for", generation);
    return status;
  }

  /** Not ready: the last known CA details stay, so users still see what is in effect. */
  TrustDomainStatus notReady(TrustDomain trustDomain, TrustDomainStatus previous, String reason,
      String message) {
    long generation = trustDomain.getMetadata().getGeneration();
    previous.observedGeneration = generation;
    previous.conditions = conditions.set(previous.conditions, Conditions.READY, false, reason,
        message, generation);
    return previous;
  }

  /** Short and stable: changes exactly when the set of roots changes. */
  static String bundleVersion(CaState state) {
    return Fingerprints.bundleVersion(state.roots());
  }

  private static TrustDomainStatus.CertificateSummary summary(X509Certificate certificate) {
    TrustDomainStatus.CertificateSummary summary = new TrustDomainStatus.CertificateSummary();
    summary.fingerprint = Fingerprints.sha256(certificate);
    summary.notAfter = certificate.getNotAfter().toInstant().toString();
    return summary;
  }
}
