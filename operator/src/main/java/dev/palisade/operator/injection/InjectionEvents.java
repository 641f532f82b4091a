package dev.palisade.operator.injection;

import dev.palisade.operator.kube.EventRecorder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Objects;

/**
 * Warning Events for pods that should have had a proxy and did not. At admission the pod does
 * not exist yet (and a controller's pod has no name yet either), so the Event goes to what
 * {@code kubectl describe} will be run on: the pod's controller (its ReplicaSet, Job, ...) when
 * it has one, otherwise the pod by its name, in the pod's namespace.
 */
final class InjectionEvents {

  static final String NOT_INJECTED = "ProxyNotInjected";

  private final EventRecorder recorder;

  InjectionEvents(EventRecorder recorder) {
    this.recorder = recorder;
  }

  /** Records why {@code pod} (being created in {@code namespace}) gets no proxy. */
  void notInjected(Pod pod, String namespace, String message) {
    recorder.warning(subject(pod, namespace), NOT_INJECTED, message);
  }

  /** The object the Event is about: the controller, else the pod itself. */
  static HasMetadata subject(Pod pod, String namespace) {
    List<OwnerReference> owners =
        Objects.requireNonNullElse(pod.getMetadata().getOwnerReferences(), List.of());
    for (OwnerReference owner : owners) {
      if (Boolean.TRUE.equals(owner.getController())) {
        return new GenericKubernetesResourceBuilder()
            .withApiVersion(owner.getApiVersion())
            .withKind(owner.getKind())
            .withNewMetadata()
              .withName(owner.getName())
              .withNamespace(namespace)
              .withUid(owner.getUid())
            .endMetadata()
            .build();
      }
    }
    String name = pod.getMetadata().getName();
    if (name == null || name.isEmpty()) {
      // generateName "web-" makes "web-x7k2p" later; Event names need it without the dash.
      name = Objects.requireNonNullElse(pod.getMetadata().getGenerateName(), "pod")
          .replaceAll("[-.]+$", "");
      name = name.isEmpty() ? "pod" : name;
    }
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("v1")
        .withKind("Pod")
        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .build();
  }
}
