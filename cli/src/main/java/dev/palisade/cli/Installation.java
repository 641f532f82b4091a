package dev.palisade.cli;

import dev.palisade.operator.injection.InjectionContract;

import dev.palisade.api.v1alpha1.TrustDomain;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the CLI reads of an installation: the operator's Deployment (release {@code palisade}:
 * {@code palisade-operator}) and the settings it was given by the chart.
 */
final class Installation {

  static final String DEFAULT_NAMESPACE = "palisade-system";
  static final String OPERATOR = "palisade-operator";
  static final String WEBHOOK_CONFIGURATION = "palisade-inject";

  private final KubernetesClient client;
  private final String namespace;

  Installation(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  String namespace() {
    return namespace;
  }

  Optional<Deployment> operator() {
    return Optional.ofNullable(client.apps().deployments().inNamespace(namespace)
        .withName(OPERATOR).get());
  }

  /** A ready replica of the operator, to ask what it serves; empty if none is. */
  Optional<Pod> readyOperatorPod() {
    return operator().flatMap(d -> client.pods().inNamespace(namespace)
        .withLabels(d.getSpec().getSelector().getMatchLabels()).list().getItems().stream()
        .filter(OperatorChecks::isReady).findFirst());
  }

  /** An environment variable of the operator's container, as the chart set it. */
  Optional<String> operatorSetting(String name) {
    return operator().flatMap(d -> d.getSpec().getTemplate().getSpec().getContainers().stream()
        .flatMap(c -> Objects.requireNonNullElse(c.getEnv(), List.<EnvVar>of()).stream())
        .filter(e -> name.equals(e.getName()) && e.getValue() != null)
        .map(EnvVar::getValue)
        .findFirst());
  }

  /**
   * The trust domain the operator signs in: its {@code PALISADE_TRUST_DOMAIN}, else the only
   * TrustDomain object's, else the chart's default {@code cluster.local}.
   */
  String trustDomain() {
    return operatorSetting("PALISADE_TRUST_DOMAIN").orElseGet(() -> {
      List<TrustDomain> all = client.resources(TrustDomain.class).list().getItems();
      return all.size() == 1 && all.get(0).getSpec() != null
          && all.get(0).getSpec().trustDomain != null
          ? all.get(0).getSpec().trustDomain : "cluster.local";
    });
  }

  /** {@code namespace/name} or {@code name} (in {@code defaultNamespace}) of a pod. */
  static Pod pod(KubernetesClient client, String reference, String defaultNamespace) {
    String namespace = defaultNamespace;
    String name = reference;
    int slash = reference.indexOf('/');
    if (slash >= 0) {
      namespace = reference.substring(0, slash);
      name = reference.substring(slash + 1);
    }
    Pod pod = client.pods().inNamespace(namespace).withName(name).get();
    if (pod == null) {
      throw new IllegalArgumentException("pod " + namespace + "/" + name + " not found");
    }
    return pod;
  }

  /** {@link #pod}, which must carry the Palisade proxy. */
  static Pod injectedPod(KubernetesClient client, String reference, String defaultNamespace) {
    Pod found = pod(client, reference, defaultNamespace);
    var labels = found.getMetadata().getLabels();
    if (labels == null || !InjectionContract.INJECTED.equals(
        labels.get(InjectionContract.PROXY_LABEL))) {
      throw new IllegalArgumentException("pod " + found.getMetadata().getNamespace() + "/"
          + found.getMetadata().getName() + " has no Palisade proxy (label "
          + InjectionContract.PROXY_LABEL + "=" + InjectionContract.INJECTED + ")");
    }
    return found;
  }
}
