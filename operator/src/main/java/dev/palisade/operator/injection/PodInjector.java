package dev.palisade.operator.injection;

import static dev.palisade.common.sidecar.SidecarContract.ADMIN_PORT;
import static dev.palisade.common.sidecar.SidecarContract.INBOUND_PORT;
import static dev.palisade.common.sidecar.SidecarContract.INIT_CONTAINER;
import static dev.palisade.common.sidecar.SidecarContract.OUTBOUND_PORT;
import static dev.palisade.common.sidecar.SidecarContract.PROXY_CONTAINER;
import static dev.palisade.common.sidecar.SidecarContract.PROXY_UID;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.palisade.operator.http.Json;
import dev.palisade.operator.injection.InjectionDecision.Inject;
import dev.palisade.operator.injection.InjectionDecision.Refuse;
import dev.palisade.operator.injection.InjectionDecision.Skip;
import dev.palisade.operator.injection.InjectionDecision.SkipReason;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Decides, without any I/O, what a pod should look like: from the pod, its namespace's labels
 * and the operator's settings, either the pod with Palisade's proxy, or why not.
 *
 * <p>It computes the desired state rather than appending: Palisade's containers and volumes are
 * replaced by freshly built ones wherever they are, so a pod that already has them comes out
 * unchanged, and a second webhook pass answers an empty patch. Volume mounts that someone else
 * added to Palisade's containers (the ServiceAccount admission plugin's token, another
 * webhook's) are kept after Palisade's own.
 */
public final class PodInjector {

  private static final Set<Integer> PROXY_PORTS = Set.of(OUTBOUND_PORT, INBOUND_PORT, ADMIN_PORT);
  private static final Set<String> OUR_CONTAINERS = Set.of(INIT_CONTAINER, PROXY_CONTAINER);

  private final InjectionSettings settings;
  private final SidecarSpec sidecar;

  public PodInjector(InjectionSettings settings) {
    this.settings = settings;
    this.sidecar = new SidecarSpec(settings);
  }

  public InjectionDecision decide(Pod pod, Map<String, String> namespaceLabels) {
    String namespaceLabel = namespaceLabels.get(InjectionContract.NAMESPACE_LABEL);
    if (InjectionContract.ENFORCED.equals(namespaceLabel)) {
      return decideEnforced(pod);
    }
    String asked = annotations(pod).get(InjectionContract.INJECT_ANNOTATION);
    boolean explicit;
    if (asked == null) {
      if (!InjectionContract.ENABLED.equals(namespaceLabel)) {
        return new Skip(SkipReason.NOT_SELECTED, "neither the namespace (label "
            + InjectionContract.NAMESPACE_LABEL + "=enabled) nor the pod (annotation "
            + InjectionContract.INJECT_ANNOTATION + ": \"true\") asks for a proxy");
      }
      explicit = false;
    } else if (asked.equals("true")) {
      explicit = true;
    } else if (asked.equals("false")) {
      return new Skip(SkipReason.OPTED_OUT, "the pod opted out with annotation "
          + InjectionContract.INJECT_ANNOTATION + ": \"false\"");
    } else {
      return new Refuse("annotation " + InjectionContract.INJECT_ANNOTATION + ": \"" + asked
          + "\": must be \"true\" (inject the Palisade proxy) or \"false\" (do not)");
    }

    Optional<Skip> obstacle = obstacle(pod);
    if (obstacle.isPresent()) {
      return explicit
          ? new Refuse("annotation " + InjectionContract.INJECT_ANNOTATION + ": \"true\" asks for"
              + " the Palisade proxy, but it cannot be injected: " + obstacle.get().message())
          : obstacle.get();
    }
    ProxyOptions options;
    try {
      options = ProxyOptions.from(annotations(pod), settings);
    } catch (InvalidAnnotationException e) {
      return new Refuse(e.getMessage());
    }
    return new Inject(withProxy(pod, options));
  }

  /** In an enforced namespace every pod gets the proxy, or is refused: never skipped. */
  private InjectionDecision decideEnforced(Pod pod) {
    Optional<String> violation = EnforcedNamespace.violation(pod);
    if (violation.isPresent()) {
      return new Refuse(violation.get());
    }
    String asked = annotations(pod).get(InjectionContract.INJECT_ANNOTATION);
    if (asked != null && !asked.equals("true")) {
      return new Refuse("annotation " + InjectionContract.INJECT_ANNOTATION + ": \"" + asked
          + "\": must be \"true\" or absent in a namespace that enforces the mesh");
    }
    Optional<Skip> obstacle = obstacle(pod);
    if (obstacle.isPresent()) {
      return new Refuse("the namespace enforces the mesh, but the proxy cannot be injected: "
          + obstacle.get().message());
    }
    try {
      return new Inject(withProxy(pod, ProxyOptions.from(annotations(pod), settings)));
    } catch (InvalidAnnotationException e) {
      return new Refuse(e.getMessage());
    }
  }

  /** What makes injection impossible for this pod, if anything. */
  private static Optional<Skip> obstacle(Pod pod) {
    PodSpec spec = pod.getSpec();
    if (Boolean.TRUE.equals(spec.getHostNetwork())) {
      return Optional.of(new Skip(SkipReason.HOST_NETWORK, "the pod uses the node's network"
          + " (hostNetwork: true), so redirecting its traffic would redirect the node's;"
          + " Palisade never injects such pods"));
    }
    for (Container container : applicationContainers(spec).toList()) {
      for (ContainerPort port : Objects.requireNonNullElse(container.getPorts(),
          List.<ContainerPort>of())) {
        if (port.getContainerPort() != null && PROXY_PORTS.contains(port.getContainerPort())) {
          return Optional.of(new Skip(SkipReason.PORT_CONFLICT, "container " + container.getName()
              + " uses port " + port.getContainerPort() + ", which the proxy needs (it uses "
              + OUTBOUND_PORT + ", " + INBOUND_PORT + " and " + ADMIN_PORT + ")"));
        }
      }
      Long uid = container.getSecurityContext() != null
          && container.getSecurityContext().getRunAsUser() != null
          ? container.getSecurityContext().getRunAsUser()
          : spec.getSecurityContext() != null ? spec.getSecurityContext().getRunAsUser() : null;
      if (uid != null && uid == PROXY_UID) {
        return Optional.of(new Skip(SkipReason.PROXY_UID_CONFLICT, "container "
            + container.getName() + " runs as uid " + PROXY_UID + ", the proxy's, so its"
            + " traffic would bypass the proxy; run it as another user"));
      }
    }
    return Optional.empty();
  }

  private Pod withProxy(Pod original, ProxyOptions options) {
    Pod pod = copy(original);
    PodSpec spec = pod.getSpec();
    List<Container> existing = Objects.requireNonNullElse(spec.getInitContainers(), List.of());
    Map<String, Container> ours = new HashMap<>();
    List<Container> others = new ArrayList<>();
    for (Container container : existing) {
      if (OUR_CONTAINERS.contains(container.getName())) {
        ours.put(container.getName(), container);
      } else {
        others.add(container);
      }
    }
    // palisade-init first (the rules are in place before anything else runs), then the proxy,
    // so other init containers' connections are already proxied.
    List<Container> initContainers = new ArrayList<>();
    initContainers.add(keepForeignMounts(sidecar.initContainer(options), ours.get(INIT_CONTAINER)));
    initContainers.add(keepForeignMounts(
        sidecar.proxyContainer(options, spec.getTerminationGracePeriodSeconds()),
        ours.get(PROXY_CONTAINER)));
    initContainers.addAll(others);
    spec.setInitContainers(initContainers);

    List<Volume> volumes = new ArrayList<>(Objects.requireNonNullElse(spec.getVolumes(), List.of()));
    putVolume(volumes, sidecar.identityVolume());
    putVolume(volumes, sidecar.tmpVolume());
    spec.setVolumes(volumes);
    if (spec.getServiceAccountName() == null || spec.getServiceAccountName().isEmpty()) {
      // A projected token needs a named ServiceAccount. The ServiceAccount admission plugin
      // names "default" before webhooks run; where it is disabled, say what it would have said.
      String deprecated = spec.getServiceAccount();
      spec.setServiceAccountName(deprecated != null && !deprecated.isEmpty() ? deprecated : "default");
    }

    Map<String, String> labels = new LinkedHashMap<>(
        Objects.requireNonNullElse(pod.getMetadata().getLabels(), Map.of()));
    labels.put(InjectionContract.PROXY_LABEL, InjectionContract.INJECTED);
    pod.getMetadata().setLabels(labels);
    Map<String, String> annotations = new LinkedHashMap<>(annotations(pod));
    annotations.put(InjectionContract.PROXY_VERSION_ANNOTATION, settings.proxyVersion());
    pod.getMetadata().setAnnotations(annotations);
    return pod;
  }

  /** {@code desired}, plus the mounts someone else added to the container it replaces. */
  private static Container keepForeignMounts(Container desired, Container current) {
    if (current == null || current.getVolumeMounts() == null) {
      return desired;
    }
    List<VolumeMount> foreign = current.getVolumeMounts().stream()
        .filter(mount -> !SidecarSpec.isOurMountPath(mount.getMountPath()))
        .toList();
    if (foreign.isEmpty()) {
      return desired;
    }
    return new ContainerBuilder(desired).addAllToVolumeMounts(foreign).build();
  }

  /** Replaces the volume of the same name where it is, or appends it. */
  private static void putVolume(List<Volume> volumes, Volume volume) {
    for (int i = 0; i < volumes.size(); i++) {
      if (volume.getName().equals(volumes.get(i).getName())) {
        volumes.set(i, volume);
        return;
      }
    }
    volumes.add(volume);
  }

  private static Stream<Container> applicationContainers(PodSpec spec) {
    return Stream.concat(
        Objects.requireNonNullElse(spec.getInitContainers(), List.<Container>of()).stream()
            .filter(c -> !OUR_CONTAINERS.contains(c.getName())),
        Objects.requireNonNullElse(spec.getContainers(), List.<Container>of()).stream());
  }

  private static Map<String, String> annotations(Pod pod) {
    return Objects.requireNonNullElse(pod.getMetadata().getAnnotations(), Map.of());
  }

  /** A deep copy, so the caller's pod (the one the patch is computed against) stays as it came. */
  private static Pod copy(Pod pod) {
    try {
      return Json.MAPPER.treeToValue(Json.MAPPER.valueToTree(pod), Pod.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot copy pod: " + e.getMessage(), e);
    }
  }
}
