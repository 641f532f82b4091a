package dev.palisade.operator;

import dev.palisade.operator.reconciler.policy.AccessPolicyReconciler;
import dev.palisade.operator.reconciler.policy.MeshPolicyReconciler;
import dev.palisade.operator.reconciler.trustbundle.TrustBundleReconciler;
import dev.palisade.operator.reconciler.trustdomain.TrustDomainReconciler;
import dev.palisade.operator.reconciler.webhook.WebhookCaBundleReconciler;
import dev.palisade.operator.reconciler.workloadcertificate.WorkloadCertificateReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Clock;
import java.time.Duration;

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
   */
  public record Settings(String namespace, Duration bundlePropagation, boolean leaderElection,
      String trustDomain) {

    /** Settings with the default trust domain, {@code cluster.local}. */
    public Settings(String namespace, Duration bundlePropagation, boolean leaderElection) {
      this(namespace, bundlePropagation, leaderElection, "cluster.local");
    }
  }

  private final Operator operator;

  public PalisadeOperator(KubernetesClient client, Settings settings, Clock clock) {
    this.operator = new Operator(overrides -> {
      overrides.withKubernetesClient(client);
      overrides.withStopOnInformerErrorDuringStartup(true);
      if (settings.leaderElection()) {
        overrides.withLeaderElectionConfiguration(
            new LeaderElectionConfiguration("palisade-operator", settings.namespace()));
      }
    });
    operator.register(new TrustDomainReconciler(settings.namespace(), clock,
        settings.bundlePropagation()));
    operator.register(new TrustBundleReconciler(settings.namespace(), clock));
    operator.register(new WorkloadCertificateReconciler(settings.namespace(), clock));
    operator.register(new WebhookCaBundleReconciler(settings.namespace(), settings.trustDomain(), clock));
    operator.register(new MeshPolicyReconciler(settings.namespace(), clock));
    operator.register(new AccessPolicyReconciler(clock));
  }

  public void start() {
    operator.start();
  }

  @Override
  public void close() {
    operator.stop();
  }
}
