package dev.palisade.operator.injection;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.Objects;

/**
 * The labels of namespaces, which an AdmissionReview does not carry: from an informer's cache,
 * so an admission costs no API call; a namespace the cache does not have yet (created a moment
 * ago) is read directly.
 */
final class NamespaceLabels implements AutoCloseable {

  private final KubernetesClient client;
  private final SharedIndexInformer<Namespace> informer;

  private NamespaceLabels(KubernetesClient client, SharedIndexInformer<Namespace> informer) {
    this.client = client;
    this.informer = informer;
  }

  /** Starts watching namespaces (the chart's ClusterRole allows get, list, watch). */
  static NamespaceLabels watching(KubernetesClient client) {
    return new NamespaceLabels(client, client.namespaces().inform());
  }

  /** The labels of {@code name}; empty when it does not exist. May block on the API. */
  Map<String, String> of(String name) {
    Namespace namespace = informer.getStore().getByKey(name);
    if (namespace == null) {
      namespace = client.namespaces().withName(name).get();
    }
    return namespace == null ? Map.of()
        : Objects.requireNonNullElse(namespace.getMetadata().getLabels(), Map.of());
  }

  @Override
  public void close() {
    informer.close();
  }
}
