package dev.palisade.operator.injection;

import static dev.palisade.common.sidecar.SidecarContract.INIT_CONTAINER;
import static dev.palisade.common.sidecar.SidecarContract.PROXY_CONTAINER;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a namespace labelled {@code palisade.dev/inject=enforced} does not let a pod do, so that
 * whoever may create pods there cannot take its traffic around the proxy: opt out, exclude ports
 * or networks, mount Palisade's volumes into another container, or bring Palisade's containers
 * with mounts of its own (over the proxy's code, say). Pure: no I/O.
 */
final class EnforcedNamespace {

  /** The only mount another admission plugin adds to Palisade's containers: the API token. */
  private static final String SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount";
  private static final Set<String> OUR_CONTAINERS = Set.of(INIT_CONTAINER, PROXY_CONTAINER);
  private static final List<String> EXCLUSIONS = List.of(
      InjectionContract.EXCLUDE_INBOUND_PORTS, InjectionContract.EXCLUDE_OUTBOUND_PORTS,
      InjectionContract.EXCLUDE_OUTBOUND_CIDRS);

  private EnforcedNamespace() {}

  /** Why {@code pod} may not be created in an enforced namespace, if it may not. */
  static Optional<String> violation(Pod pod) {
    String enforced = "its namespace enforces the mesh (" + InjectionContract.NAMESPACE_LABEL
        + "=" + InjectionContract.ENFORCED + ")";
    Map<String, String> annotations =
        Objects.requireNonNullElse(pod.getMetadata().getAnnotations(), Map.of());
    if ("false".equals(annotations.get(InjectionContract.INJECT_ANNOTATION))) {
      return Optional.of("annotation " + InjectionContract.INJECT_ANNOTATION + ": \"false\" is not"
          + " honoured: " + enforced + "; remove the annotation or run the pod elsewhere");
    }
    for (String exclusion : EXCLUSIONS) {
      if (annotations.containsKey(exclusion)) {
        return Optional.of("annotation " + exclusion + " is not honoured: " + enforced
            + "; no traffic of its pods bypasses the proxy, so remove the annotation");
      }
    }
    for (Container container : containers(pod).toList()) {
      for (VolumeMount mount : Objects.requireNonNullElse(container.getVolumeMounts(),
          List.<VolumeMount>of())) {
        boolean ours = OUR_CONTAINERS.contains(container.getName());
        if (!ours && SidecarSpec.VOLUMES.contains(mount.getName())) {
          return Optional.of("container " + container.getName() + " mounts Palisade's volume "
              + mount.getName() + ", which holds the proxy's identity: " + enforced);
        }
        if (ours && !SidecarSpec.isOurMountPath(mount.getMountPath())
            && !SERVICE_ACCOUNT_TOKEN.equals(mount.getMountPath())) {
          return Optional.of("container " + container.getName() + " is Palisade's, but comes"
              + " with a volume mount at " + mount.getMountPath() + " that Palisade does not"
              + " add: " + enforced + "; leave Palisade's containers to the webhook");
        }
      }
    }
    return Optional.empty();
  }

  private static Stream<Container> containers(Pod pod) {
    var spec = pod.getSpec();
    return Stream.concat(
        Objects.requireNonNullElse(spec.getInitContainers(), List.<Container>of()).stream(),
        Objects.requireNonNullElse(spec.getContainers(), List.<Container>of()).stream());
  }
}
