package dev.palisade.cli;

import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.operator.injection.InjectionContract;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What must hold once Palisade is installed, each verified against the cluster with a fix hint
 * for each failure. Read-only but for one server-side dry-run pod creation.
 */
final class InstallChecks {

  private final KubernetesClient client;
  private final Installation installation;
  private final Clock clock;
  private final Duration proxyTimeout;

  InstallChecks(KubernetesClient client, Installation installation, Clock clock,
      Duration proxyTimeout) {
    this.client = client;
    this.installation = installation;
    this.clock = clock;
    this.proxyTimeout = proxyTimeout;
  }

  List<CheckResult> run() {
    List<CheckResult> results = new ArrayList<>();
    results.addAll(new CrdChecks(client).crds());
    OperatorChecks operator = new OperatorChecks(client, installation);
    results.add(operator.operatorPods());
    results.addAll(operator.operatorRbac());
    TrustChecks trust = new TrustChecks(client, installation, clock);
    List<TrustDomain> trustDomains = trustDomainsOrEmpty();
    results.addAll(trust.trustDomains(trustDomains));
    WebhookChecks webhook = new WebhookChecks(client, installation, clock);
    results.add(webhook.webhookCaBundle(trustDomains));
    List<Namespace> labelled = labelledNamespaces();
    results.add(webhook.injection(labelled));
    results.addAll(trust.trustBundles(labelled));
    results.addAll(new ProxyChecks(client, installation, clock, proxyTimeout)
        .proxies(trustDomains));
    return results;
  }

  private List<TrustDomain> trustDomainsOrEmpty() {
    try {
      return client.resources(TrustDomain.class).list().getItems();
    } catch (KubernetesClientException e) {
      return List.of(); // no CRD: reported by the CRD check
    }
  }


  private List<Namespace> labelledNamespaces() {
    // Terminating namespaces accept no new pods and lose their ConfigMaps: not checked.
    return client.namespaces().withLabelIn(InjectionContract.NAMESPACE_LABEL,
        InjectionContract.ENABLED, InjectionContract.ENFORCED).list().getItems().stream()
        .filter(n -> n.getMetadata().getDeletionTimestamp() == null).toList();
  }
}
