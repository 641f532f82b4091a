package dev.palisade.operator.reconciler.workloadcertificate;

import dev.palisade.api.v1alpha1.CertificateRevocation;
import dev.palisade.api.v1alpha1.IdentitySuspension;
import dev.palisade.common.pki.SerialNumbers;
import dev.palisade.operator.revocation.RevocationTerms;
import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.api.v1alpha1.WorkloadCertificate;
import dev.palisade.api.v1alpha1.WorkloadCertificateStatus;
import dev.palisade.common.pki.KeyType;
import dev.palisade.common.spiffe.InvalidSpiffeIdException;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.common.time.KubeDuration;
import dev.palisade.operator.ca.CaRegistry;
import dev.palisade.operator.ca.CaSecrets;
import dev.palisade.operator.ca.CaState;
import dev.palisade.operator.ca.CaUnavailableException;
import dev.palisade.operator.ca.CertificateLimits;
import dev.palisade.operator.ca.KubeDurations;
import dev.palisade.operator.ca.LifetimeRules;
import dev.palisade.operator.ca.SignedCertificate;
import dev.palisade.operator.kube.Conditions;
import dev.palisade.operator.kube.EventRecorder;
import dev.palisade.operator.watch.CaSecretWatch;
import dev.palisade.operator.watch.WatchEventSource;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps a WorkloadCertificate's Secret holding a valid certificate for its SPIFFE ID, like
 * cert-manager's Certificate: issues it, renews it at its renewal time or when the CA moved to a
 * new root, re-creates it if deleted, and updates {@code ca.crt} when the bundle changes; at
 * once, with a new key, when its certificate is revoked; never for a suspended identity. It
 * decides what the Secret holds and signs; {@link CertificateSecretDependent} writes it, owned by
 * the WorkloadCertificate, so the Secret goes when the WorkloadCertificate does.
 */
@Workflow(explicitInvocation = true,
    dependents = @Dependent(type = CertificateSecretDependent.class))
@ControllerConfiguration(name = "workloadcertificate")
public class WorkloadCertificateReconciler implements Reconciler<WorkloadCertificate> {

  static final String SECRET_LABEL = "palisade.dev/workload-certificate";
  private static final Duration RETRY = Duration.ofSeconds(30);
  /** Condition type saying the certificate is shorter than asked for; never silent. */
  static final String LIFETIME_SHORTENED = "LifetimeShortened";
  /** The informer on TrustDomains, for their maxLifetime. */
  private static final String TRUST_DOMAINS = "trust-domains";
  private static final String REVOCATIONS = "certificate-revocations";
  private static final String SUSPENSIONS = "identity-suspensions";

  private final CaSecretWatch caSecrets;
  private final Clock clock;
  private final Conditions conditions;
  private final CertificateLimits limits;

  /** @param caSecrets the operator's shared watch on the CA Secrets */
  public WorkloadCertificateReconciler(CaSecretWatch caSecrets, Clock clock) {
    this(caSecrets, clock, CertificateLimits.DEFAULTS);
  }

  /** @param limits the CA's lifetime floor and re-issue rate, an operator setting */
  public WorkloadCertificateReconciler(CaSecretWatch caSecrets, Clock clock,
      CertificateLimits limits) {
    this.caSecrets = caSecrets;
    this.clock = clock;
    this.conditions = new Conditions(clock);
    this.limits = limits;
  }

  @Override
  public UpdateControl<WorkloadCertificate> reconcile(WorkloadCertificate certificate,
      Context<WorkloadCertificate> context) {
    String namespace = certificate.getMetadata().getNamespace();
    EventRecorder events = new EventRecorder(context.getClient(), clock);
    WorkloadIdentity identity;
    try {
      identity = WorkloadIdentity.parse(certificate.getSpec().spiffeId);
    } catch (InvalidSpiffeIdException e) {
      return notReady(certificate, "InvalidSpiffeId", e.getMessage());
    }
    // Admission already refuses this; checked again so no path signs another namespace's identity.
    if (!identity.namespace().equals(namespace)) {
      return notReady(certificate, "IdentityOutsideNamespace", "spec.spiffeId names namespace "
          + identity.namespace() + "; a WorkloadCertificate may only name identities of " + namespace);
    }
    Optional<String> suspension = informer(context, IdentitySuspension.class, SUSPENSIONS).list()
        .filter(s -> RevocationTerms.identity(s).filter(identity.toSpiffeId()::equals).isPresent())
        .map(s -> s.getMetadata().getName()).sorted().findFirst();
    if (suspension.isPresent()) {
      return notReady(certificate, "IdentitySuspended", identity + " is suspended by"
          + " IdentitySuspension " + suspension.get() + ": nothing is signed for it, and every"
          + " proxy refuses the certificate the Secret holds; delete the suspension to resume");
    }
    CaRegistry registry = caSecrets.registry();
    Optional<CaState> ca;
    try {
      ca = registry.state(identity.trustDomain());
    } catch (RuntimeException e) {
      ca = Optional.empty();
    }
    if (ca.isEmpty()) {
      return notReady(certificate, "TrustDomainNotReady", "no ready TrustDomain for trust domain "
          + identity.trustDomain() + "; create one (see examples/10-trustdomain.yaml)");
    }
    String secretName = certificate.getSpec().secretName;
    Optional<Secret> existing = CertificateSecretDependent.current(certificate, context);
    // Only a Secret without our label needs a lookup: ours is in the informer's cache.
    if (existing.isEmpty()
        && context.getClient().secrets().inNamespace(namespace).withName(secretName).get() != null) {
      return notReady(certificate, "SecretNotOwned", "Secret " + secretName + " exists and is not"
          + " managed by Palisade; choose another spec.secretName or delete that Secret");
    }

    Instant now = clock.instant();
    Duration renewBefore = Optional.ofNullable(certificate.getSpec().renewBefore)
        .map(KubeDuration::parse).orElse(null);
    Duration lifetime = Optional.ofNullable(certificate.getSpec().lifetime)
        .map(KubeDuration::parse).orElse(null);
    Duration requested = lifetime != null ? lifetime : ca.get().workloadLifetime();
    Optional<LifetimeRules.Refusal> refusal = LifetimeRules.check(
        lifetime != null ? "spec.lifetime" : "the TrustDomain's workload lifetime", requested,
        renewBefore, TrustDomainLimits.maxLifetime(trustDomains(context).list(),
            identity.trustDomain()),
        limits);
    if (refusal.isPresent()) {
      return notReady(certificate, refusal.get().reason(), refusal.get().message());
    }
    KeyType keyType = certificate.getSpec().keyAlgorithm == null
        ? KeyType.ECDSA_P256 : KeyType.valueOf(certificate.getSpec().keyAlgorithm.name());
    CertificateSecrets.Current current = existing.map(CertificateSecrets::read).orElse(null);
    X509Certificate leaf;
    CertificateSecrets.Material material;
    Optional<String> revokedBy = current == null ? Optional.empty()
        : revocationOf(context, identity.trustDomain(), current.leaf(), ca.get(), now);
    IssueSchedule schedule = revokedBy.isPresent() ? IssueSchedule.now(now)
        : IssueSchedule.decide(current == null ? null : current.leaf(),
            current != null && CertificateSecrets.outdated(current, identity, keyType, ca.get()),
            renewBefore, limits, now);
    if (!schedule.issueNow()) {
      leaf = current.leaf();
      material = CertificateSecrets.Material.kept(current, ca.get().roots());
    } else {
      KeyPair keys = keyType.generate();
      SignedCertificate signed;
      try {
        signed = registry.signWorkload(keys.getPublic(), identity, lifetime);
      } catch (CaUnavailableException e) {
        return notReady(certificate, "TrustDomainNotReady", e.getMessage());
      }
      material = CertificateSecrets.Material.issued(signed, keys.getPrivate());
      leaf = signed.leaf();
      if (revokedBy.isPresent()) {
        events.warning(certificate, "Revoked", "certificate " + SerialNumbers.format(
            current.leaf().getSerialNumber()) + " was revoked by CertificateRevocation "
            + revokedBy.get() + "; replaced at once with a new key");
      }
      events.normal(certificate, current == null ? "Issued" : "Renewed", "Wrote a certificate for "
          + identity + " valid until " + leaf.getNotAfter().toInstant() + " to Secret " + secretName);
      if (LifetimeRules.shortened(leaf, requested)) {
        events.warning(certificate, LIFETIME_SHORTENED, shortenedMessage(leaf, requested));
      }
    }
    // The dependent writes the Secret if it differs (a new certificate, a new bundle, no owner).
    var workflow = context.managedWorkflowAndDependentResourceContext();
    workflow.put(CertificateSecretDependent.MATERIAL, material);
    workflow.reconcileManagedWorkflow().throwAggregateExceptionIfErrorsPresent();

    Instant renewal = LifetimeRules.renewalTime(leaf, renewBefore, limits);
    if (!schedule.issueNow() && schedule.nextCheck().isBefore(renewal)) {
      renewal = schedule.nextCheck(); // outdated: re-issued once the rate limit allows
    }
    WorkloadCertificateStatus status = status(certificate);
    status.notBefore = leaf.getNotBefore().toInstant().toString();
    status.notAfter = leaf.getNotAfter().toInstant().toString();
    status.renewalTime = renewal.toString();
    status.serial = leaf.getSerialNumber().toString(16);
    status.conditions = conditions.set(status.conditions, Conditions.READY, true, "Issued",
        "Secret " + secretName + " holds a certificate for " + identity,
        certificate.getMetadata().getGeneration());
    boolean shortened = LifetimeRules.shortened(leaf, requested);
    status.conditions = conditions.set(status.conditions, LIFETIME_SHORTENED, shortened,
        shortened ? "CutAtIssuerExpiry" : "AsRequested",
        shortened ? shortenedMessage(leaf, requested) : "the certificate has the lifetime asked for",
        certificate.getMetadata().getGeneration());
    certificate.setStatus(status);
    Duration wait = Duration.between(now, renewal);
    return UpdateControl.patchStatus(certificate)
        .rescheduleAfter(wait.isNegative() ? Duration.ofSeconds(1) : wait);
  }

  private static String shortenedMessage(X509Certificate leaf, Duration requested) {
    return "the certificate is valid until " + leaf.getNotAfter().toInstant() + ", shorter than"
        + " the " + KubeDurations.format(requested) + " asked for: it is cut at the issuer's"
        + " expiry; ask for a shorter lifetime or give the TrustDomain's issuer a longer one";
  }

  private UpdateControl<WorkloadCertificate> notReady(WorkloadCertificate certificate,
      String reason, String message) {
    WorkloadCertificateStatus status = status(certificate);
    status.conditions = conditions.set(status.conditions, Conditions.READY, false, reason, message,
        certificate.getMetadata().getGeneration());
    certificate.setStatus(status);
    return UpdateControl.patchStatus(certificate).rescheduleAfter(RETRY);
  }

  private static WorkloadCertificateStatus status(WorkloadCertificate certificate) {
    WorkloadCertificateStatus status = Optional.ofNullable(certificate.getStatus())
        .orElseGet(WorkloadCertificateStatus::new);
    status.observedGeneration = certificate.getMetadata().getGeneration();
    return status;
  }

  /** The CertificateRevocation in force for {@code leaf}, if any. */
  private static Optional<String> revocationOf(Context<WorkloadCertificate> context,
      String trustDomain, X509Certificate leaf, CaState ca, Instant now) {
    Optional<Instant> issuerNotAfter = Optional.of(
        ca.issuer().certificate().getNotAfter().toInstant());
    return informer(context, CertificateRevocation.class, REVOCATIONS).list()
        .filter(r -> r.getSpec() != null && trustDomain.equals(r.getSpec().trustDomain))
        .filter(r -> RevocationTerms.serial(r).filter(leaf.getSerialNumber()::equals).isPresent())
        .filter(r -> RevocationTerms.inForce(r, now, issuerNotAfter))
        .map(r -> r.getMetadata().getName()).sorted().findFirst();
  }

  @SuppressWarnings("unchecked")
  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata>
      InformerEventSource<R, WorkloadCertificate> informer(Context<WorkloadCertificate> context,
      Class<R> kind, String name) {
    return (InformerEventSource<R, WorkloadCertificate>) context.eventSourceRetriever()
        .getEventSourceFor(kind, name);
  }

  @SuppressWarnings("unchecked")
  private static InformerEventSource<TrustDomain, WorkloadCertificate> trustDomains(
      Context<WorkloadCertificate> context) {
    return (InformerEventSource<TrustDomain, WorkloadCertificate>) context.eventSourceRetriever()
        .getEventSourceFor(TrustDomain.class, TRUST_DOMAINS);
  }

  /**
   * A CA Secret wakes every WorkloadCertificate of its trust domain (issuer or bundle changed),
   * and so does a change to a TrustDomain's spec (its maxLifetime); a revocation wakes the one
   * whose certificate it names, a suspension those of its identity. The managed Secret's own
   * informer belongs to {@link CertificateSecretDependent}.
   */
  @Override
  public List<EventSource<?, WorkloadCertificate>> prepareEventSources(
      EventSourceContext<WorkloadCertificate> context) {
    var trustDomains = InformerEventSourceConfiguration
        .from(TrustDomain.class, WorkloadCertificate.class)
        .withName(TRUST_DOMAINS)
        .withWatchAllNamespaces() // cluster-scoped
        .withOnUpdateFilter((TrustDomain updated, TrustDomain old) -> !Objects.equals(
            updated.getMetadata().getGeneration(), old.getMetadata().getGeneration()))
        .withSecondaryToPrimaryMapper((TrustDomain changed) -> changed.getSpec() == null
            ? Set.of() : ofTrustDomain(context, changed.getSpec().trustDomain))
        .build();
    var revocations = InformerEventSourceConfiguration
        .from(CertificateRevocation.class, WorkloadCertificate.class)
        .withName(REVOCATIONS)
        .withWatchAllNamespaces()
        .withSecondaryToPrimaryMapper((CertificateRevocation revocation) -> RevocationTerms
            .serial(revocation).map(serial -> matching(context, wc -> wc.getStatus() != null
                && SerialNumbers.format(serial).equals(wc.getStatus().serial)))
            .orElse(Set.of()))
        .build();
    var suspensions = InformerEventSourceConfiguration
        .from(IdentitySuspension.class, WorkloadCertificate.class)
        .withName(SUSPENSIONS)
        .withWatchAllNamespaces()
        .withSecondaryToPrimaryMapper((IdentitySuspension suspension) -> matching(context,
            wc -> wc.getSpec() != null && suspension.getSpec() != null
                && Objects.equals(wc.getSpec().spiffeId, suspension.getSpec().spiffeId)))
        .build();
    return List.of(
        WatchEventSource.onCaSecrets("ca-secrets", caSecrets,
            secret -> ofTrustDomain(context, CaSecrets.trustDomain(secret))),
        new InformerEventSource<>(trustDomains, context),
        new InformerEventSource<>(revocations, context),
        new InformerEventSource<>(suspensions, context));
  }

  private static Set<ResourceID> matching(EventSourceContext<WorkloadCertificate> context,
      java.util.function.Predicate<WorkloadCertificate> which) {
    return context.getPrimaryCache().list(which).map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private static Set<ResourceID> ofTrustDomain(EventSourceContext<WorkloadCertificate> context,
      String trustDomain) {
    return context.getPrimaryCache()
        .list(wc -> wc.getSpec() != null && wc.getSpec().spiffeId != null
            && wc.getSpec().spiffeId.startsWith("spiffe://" + trustDomain + "/"))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }
}
