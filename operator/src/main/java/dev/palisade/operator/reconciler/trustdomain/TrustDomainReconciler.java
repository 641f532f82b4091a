package dev.palisade.operator.reconciler.trustdomain;

import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.api.v1alpha1.TrustDomainStatus;
import dev.palisade.operator.ca.CaChange;
import dev.palisade.operator.ca.CaSecrets;
import dev.palisade.operator.ca.CaSettings;
import dev.palisade.operator.ca.CaSourceException;
import dev.palisade.operator.ca.CaState;
import dev.palisade.operator.ca.CertificateLimits;
import dev.palisade.operator.ca.LifetimeRules;
import dev.palisade.common.time.KubeDuration;
import dev.palisade.operator.kube.Conditions;
import dev.palisade.operator.ca.RotationPlanner;
import dev.palisade.operator.ca.TrustDomainSettings;
import dev.palisade.operator.kube.EventRecorder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each TrustDomain's CA as {@link RotationPlanner} says it should be: reads the spec (and an
 * imported root's Secret), plans with the clock, writes the CA Secret when something changed,
 * records Events and the status, and comes back at the next point something is due.
 *
 * <p>Bad input loses nothing: when the root source is unusable or the CA Secret unreadable, the
 * status says why and the CA Secret is left as it was, so signing continues.
 */
@ControllerConfiguration(name = "trustdomain")
public class TrustDomainReconciler implements Reconciler<TrustDomain> {

  private static final Logger LOG = LoggerFactory.getLogger(TrustDomainReconciler.class);
  private static final Duration RETRY_AFTER_ERROR = Duration.ofMinutes(1);

  private final String namespace;
  private final Clock clock;
  private final Duration bundlePropagation;
  private final TrustDomainStatusFactory statuses;
  private final CertificateLimits limits;

  public TrustDomainReconciler(String operatorNamespace, Clock clock, Duration bundlePropagation) {
    this(operatorNamespace, clock, bundlePropagation, CertificateLimits.DEFAULTS);
  }

  public TrustDomainReconciler(String operatorNamespace, Clock clock, Duration bundlePropagation,
      CertificateLimits limits) {
    this.namespace = operatorNamespace;
    this.clock = clock;
    this.bundlePropagation = bundlePropagation;
    this.statuses = new TrustDomainStatusFactory(clock);
    this.limits = limits;
  }

  @Override
  public UpdateControl<TrustDomain> reconcile(TrustDomain trustDomain, Context<TrustDomain> context) {
    KubernetesClient client = context.getClient();
    EventRecorder events = new EventRecorder(client, clock);
    Instant now = clock.instant();
    String name = trustDomain.getMetadata().getName();
    TrustDomainStatus previous = Optional.ofNullable(trustDomain.getStatus()).orElseGet(TrustDomainStatus::new);

    Optional<TrustDomain> older = TrustDomainClaims.olderClaim(trustDomain,
        context.getPrimaryCache().list().toList());
    if (older.isPresent()) {
      String message = "trust domain " + trustDomain.getSpec().trustDomain + " is already served"
          + " by TrustDomain " + older.get().getMetadata().getName() + " (created first); delete"
          + " this one or give it another spec.trustDomain";
      if (!isNotReadyFor(previous, "DuplicateTrustDomain")) {
        events.warning(trustDomain, "DuplicateTrustDomain", message);
      }
      return failed(trustDomain, previous, "DuplicateTrustDomain", message);
    }

    CaSettings settings;
    try {
      settings = TrustDomainSettings.from(trustDomain.getSpec(), secretName ->
          Optional.ofNullable(client.secrets().inNamespace(namespace).withName(secretName).get()),
          bundlePropagation, now);
    } catch (CaSourceException e) {
      events.warning(trustDomain, e.reason(), e.getMessage());
      return failed(trustDomain, previous, e.reason(), e.getMessage());
    }
    Optional<LifetimeRules.Refusal> refusal = LifetimeRules.check(
        "spec.workloadCertificates.lifetime", settings.workloadLifetime(), null,
        maxLifetime(trustDomain), limits);
    if (refusal.isPresent()) {
      if (!isNotReadyFor(previous, refusal.get().reason())) {
        events.warning(trustDomain, refusal.get().reason(), refusal.get().message());
      }
      return failed(trustDomain, previous, refusal.get().reason(), refusal.get().message());
    }

    Secret stored = client.secrets().inNamespace(namespace).withName(CaSecrets.name(name)).get();
    // The root key's Secret: read by name here, on the leader, and by no informer.
    Secret storedRoot =
        client.secrets().inNamespace(namespace).withName(CaSecrets.rootName(name)).get();
    Optional<CaState> current;
    try {
      current = Optional.ofNullable(stored)
          .map(secret -> CaSecrets.fromSecrets(secret, Optional.ofNullable(storedRoot)));
    } catch (RuntimeException e) {
      String message = "CA Secret " + namespace + "/" + CaSecrets.name(name) + " is unreadable ("
          + e.getMessage() + "); it is left untouched: restore it from a backup or delete it to"
          + " start a new CA";
      events.warning(trustDomain, "CaSecretUnreadable", message);
      return failed(trustDomain, previous, "CaSecretUnreadable", message);
    }
    if (current.isPresent() && !current.get().trustDomain().equals(settings.trustDomain())) {
      String message = "CA Secret belongs to trust domain " + current.get().trustDomain();
      return failed(trustDomain, previous, "TrustDomainMismatch", message);
    }

    if (current.isPresent() && current.get().newestRootKey() == null
        && settings.root() instanceof CaSettings.GeneratedRoot) {
      String message = "Secret " + namespace + "/" + CaSecrets.rootName(name) + " with the key of"
          + " the generated root is missing or holds another root's key; the issuer keeps"
          + " signing, but no new issuer can be made: restore that Secret from a backup, or"
          + " delete the CA Secret " + CaSecrets.name(name) + " to start a new CA";
      events.warning(trustDomain, "RootKeyMissing", message);
      return failed(trustDomain, previous, "RootKeyMissing", message);
    }
    RotationPlanner.Plan plan = RotationPlanner.plan(current, settings, now);
    // An install from before the split keeps root.key in the CA Secret: move it out.
    boolean migrate = stored != null && CaSecrets.holdsRootKey(stored);
    if (plan.changed() || migrate) {
      // The root key first: a CA Secret naming a root whose key was never stored would strand it.
      CaSecrets.toRootSecret(namespace, name, plan.state(),
          settings.root() instanceof CaSettings.GeneratedRoot)
          .ifPresent(rootSecret -> write(client, rootSecret, storedRoot));
      write(client, CaSecrets.toSecret(namespace, name, plan.state()), stored);
      if (migrate) {
        LOG.info("trust domain {}: moved the root key to Secret {}", settings.trustDomain(),
            CaSecrets.rootName(name));
      }
      for (CaChange change : plan.changes()) {
        LOG.info("trust domain {}: {}", settings.trustDomain(), change.message());
        events.normal(trustDomain, reason(change), change.message());
      }
    }
    TrustDomainStatus status = statuses.ready(trustDomain, previous, plan.state());
    boolean shortened = LifetimeRules.wouldBeShortened(plan.state().issuer().certificate(),
        settings.workloadLifetime(), now);
    if (shortened && !statuses.lifetimeShortened(previous)) {
      events.warning(trustDomain, TrustDomainStatusFactory.LIFETIME_SHORTENED,
          TrustDomainStatusFactory.shortenedMessage(plan.state()));
    }
    trustDomain.setStatus(statuses.withLifetimeShortened(trustDomain, status, plan.state(),
        shortened));
    Duration wait = Duration.between(now, plan.nextCheck());
    return UpdateControl.patchStatus(trustDomain)
        .rescheduleAfter(wait.isNegative() || wait.isZero() ? Duration.ofSeconds(1) : wait);
  }

  /** Creates {@code desired}, or replaces {@code stored} with it (optimistic concurrency). */
  private static void write(KubernetesClient client, Secret desired, Secret stored) {
    if (stored == null) {
      client.resource(desired).create();
    } else {
      // A concurrent writer makes this fail and the reconcile retry.
      desired.getMetadata().setResourceVersion(stored.getMetadata().getResourceVersion());
      client.resource(desired).update();
    }
  }

  private UpdateControl<TrustDomain> failed(TrustDomain trustDomain, TrustDomainStatus previous,
      String reason, String message) {
    LOG.warn("trust domain {}: {}", trustDomain.getMetadata().getName(), message);
    trustDomain.setStatus(statuses.notReady(trustDomain, previous, reason, message));
    return UpdateControl.patchStatus(trustDomain).rescheduleAfter(RETRY_AFTER_ERROR);
  }

  private static Duration maxLifetime(TrustDomain trustDomain) {
    var workloads = trustDomain.getSpec().workloadCertificates;
    return workloads == null || workloads.maxLifetime == null
        ? null : KubeDuration.parse(workloads.maxLifetime);
  }

  /** Whether the status already says Ready=False for {@code reason}: its Event was recorded. */
  private static boolean isNotReadyFor(TrustDomainStatus status, String reason) {
    return status.conditions.stream().anyMatch(c -> c.getType().equals(Conditions.READY)
        && c.getStatus().equals("False") && reason.equals(c.getReason()));
  }

  private static String reason(CaChange change) {
    return switch (change) {
      case ROOT_CREATED -> "RootCreated";
      case ROOT_ROTATION_STARTED -> "RootRotationStarted";
      case ISSUER_ISSUED -> "IssuerIssued";
      case OLD_ROOTS_RETIRED -> "OldRootsRetired";
    };
  }

  /**
   * Secrets in the operator's namespace wake the TrustDomain they belong to: its CA Secret (edited
   * or deleted by hand) or the Secret its imported root comes from.
   */
  @Override
  public List<EventSource<?, TrustDomain>> prepareEventSources(EventSourceContext<TrustDomain> context) {
    var config = InformerEventSourceConfiguration.from(Secret.class, TrustDomain.class)
        .withNamespaces(Set.of(namespace))
        // Never the root keys: they are read by name when needed, not cached.
        .withLabelSelector("!" + CaSecrets.LABEL_ROOT)
        .withSecondaryToPrimaryMapper((Secret secret) -> owners(secret, context))
        .build();
    return List.of(new InformerEventSource<>(config, context));
  }

  private static Set<ResourceID> owners(Secret secret, EventSourceContext<TrustDomain> context) {
    var labels = Optional.ofNullable(secret.getMetadata().getLabels()).orElse(java.util.Map.of());
    String owner = labels.get(CaSecrets.LABEL_TRUST_DOMAIN_OBJECT);
    if (owner != null) {
      return Set.of(new ResourceID(owner));
    }
    String name = secret.getMetadata().getName();
    return context.getPrimaryCache()
        .list(td -> td.getSpec() != null && td.getSpec().root != null
            && td.getSpec().root.secretRef != null && name.equals(td.getSpec().root.secretRef.name))
        .map(td -> ResourceID.fromResource(td))
        .collect(Collectors.toSet());
  }
}
