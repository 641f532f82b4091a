package dev.palisade.operator;

import dev.palisade.operator.ca.CertificateLimits;
import dev.palisade.operator.metrics.ReconcileMetrics;
import dev.palisade.operator.revocation.CertificateRevocationReconciler;
import dev.palisade.operator.revocation.IdentitySuspensionReconciler;
import dev.palisade.operator.reconciler.policy.AccessPolicyReconciler;
import dev.palisade.operator.reconciler.policy.MeshPolicyReconciler;
import dev.palisade.operator.reconciler.trustbundle.TrustBundleReconciler;
import dev.palisade.operator.reconciler.trustdomain.TrustDomainReconciler;
import dev.palisade.operator.reconciler.webhook.WebhookCaBundleReconciler;
import dev.palisade.operator.reconciler.workloadcertificate.WorkloadCertificateReconciler;
import dev.palisade.operator.watch.SharedWatches;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's reconcilers (TrustDomain CA, trust bundles, WorkloadCertificates, the
 * injection webhook's caBundle, policy statuses) on
 * java-operator-sdk, leader-elected when {@link Settings#leaderElection()} is on.
 */
public final class PalisadeOperator implements AutoCloseable {

  /**
   * @param namespace the operator's own namespace: CA Secrets, leases, events about cluster objects
   * @param bundlePropagation how long a new root is trusted before leaves chain to it
   * @param trustDomain the operator's own trust domain, whose roots verify its webhooks
   * @param webhookConfiguration the chart's MutatingWebhookConfiguration, whose caBundle it keeps
   * @param leaseName the leader-election Lease, in {@code namespace}
   * @param certificateLimits the CA's floor under certificate lifetimes and its re-issue rate
   */
  public record Settings(String namespace, Duration bundlePropagation, boolean leaderElection,
      String trustDomain, String webhookConfiguration, String leaseName,
      CertificateLimits certificateLimits) {

    /** Settings with the CA's default {@link CertificateLimits}. */
    public Settings(String namespace, Duration bundlePropagation, boolean leaderElection,
        String trustDomain, String webhookConfiguration, String leaseName) {
      this(namespace, bundlePropagation, leaderElection, trustDomain, webhookConfiguration,
          leaseName, CertificateLimits.DEFAULTS);
    }

    /** These settings with {@code limits} instead (tests lower them for short lifetimes). */
    public Settings withCertificateLimits(CertificateLimits limits) {
      return new Settings(namespace, bundlePropagation, leaderElection, trustDomain,
          webhookConfiguration, leaseName, limits);
    }

    /** The lease name of release {@code palisade}. */
    public static final String DEFAULT_LEASE_NAME = "palisade-operator";

    /** Settings with the names of release {@code palisade}. */
    public Settings(String namespace, Duration bundlePropagation, boolean leaderElection,
        String trustDomain) {
      this(namespace, bundlePropagation, leaderElection, trustDomain,
          WebhookCaBundleReconciler.DEFAULT_CONFIGURATION, DEFAULT_LEASE_NAME);
    }

    /** Settings with the default trust domain, {@code cluster.local}. */
    public Settings(String namespace, Duration bundlePropagation, boolean leaderElection) {
      this(namespace, bundlePropagation, leaderElection, "cluster.local");
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(PalisadeOperator.class);

  private final Operator operator;
  private final SharedWatches ownWatches;
  private final AtomicBoolean stopping = new AtomicBoolean();

  /** With informers of its own on pods and CA Secrets, closed with it. */
  public PalisadeOperator(KubernetesClient client, Settings settings, Clock clock) {
    this(client, settings, clock, new SharedWatches(client, settings.namespace(), clock), true,
        Metrics.NOOP);
  }

  /**
   * On the replica's shared informers (also read by its servers); whoever made them closes them.
   */
  public PalisadeOperator(KubernetesClient client, Settings settings, Clock clock,
      SharedWatches watches) {
    this(client, settings, clock, watches, false, Metrics.NOOP);
  }

  /** As it runs: on the replica's informers, its reconcilers measured in {@code registry}. */
  public PalisadeOperator(KubernetesClient client, Settings settings, Clock clock,
      SharedWatches watches, MeterRegistry registry) {
    this(client, settings, clock, watches, false, new ReconcileMetrics(registry));
  }

  private PalisadeOperator(KubernetesClient client, Settings settings, Clock clock,
      SharedWatches watches, boolean ownsWatches, Metrics metrics) {
    this.ownWatches = ownsWatches ? watches : null;
    this.operator = new Operator(overrides -> {
      overrides.withKubernetesClient(client);
      overrides.withMetrics(metrics);
      overrides.withStopOnInformerErrorDuringStartup(true);
      if (settings.leaderElection()) {
        overrides.withLeaderElectionConfiguration(
            leaderElection(settings.leaseName(), settings.namespace()));
      }
    });
    operator.register(new TrustDomainReconciler(settings.namespace(), clock,
        settings.bundlePropagation(), settings.certificateLimits()));
    operator.register(new TrustBundleReconciler(settings.namespace(), watches.caSecrets(),
        watches.pods()));
    operator.register(new WorkloadCertificateReconciler(watches.caSecrets(), clock,
        settings.certificateLimits()));
    WebhookCaBundleReconciler webhookCaBundle = new WebhookCaBundleReconciler(
        watches.caSecrets(), settings.trustDomain(), settings.webhookConfiguration());
    operator.register(webhookCaBundle,
        webhookCaBundle.configuration(operator.getConfigurationService()));
    operator.register(new MeshPolicyReconciler(settings.namespace(), watches.pods(), clock));
    operator.register(new AccessPolicyReconciler(watches.pods(), clock));
    operator.register(new CertificateRevocationReconciler(watches.caSecrets(), clock));
    operator.register(new IdentitySuspensionReconciler(watches.caSecrets(), clock));
  }

  public void start() {
    operator.start();
  }

  @Override
  public void close() {
    stopping.set(true);
    operator.stop();
    if (ownWatches != null) {
      ownWatches.close();
    }
  }

  /**
   * JOSDK's default exits the JVM with System.exit when leadership ends, which deadlocks when
   * leadership ends because the JVM is already shutting down (System.exit inside a shutdown
   * hook). Losing leadership while running still ends the process at once, so that two replicas
   * never reconcile together; stopping on purpose does not.
   */
  private LeaderElectionConfiguration leaderElection(String leaseName, String namespace) {
    return new LeaderElectionConfiguration(leaseName, namespace,
        Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2), null,
        new LeaderCallbacks(() -> {}, () -> {
          if (!stopping.get()) {
            LOG.error("lost leadership; exiting so that two replicas never reconcile at once");
            Runtime.getRuntime().halt(1);
          }
        }, leader -> {}), false);
  }
}
