package dev.palisade.operator.policy;

import dev.palisade.common.spiffe.WorkloadIdentity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pod as policy sees it: where it runs, as whom, with which labels; and, for destination
 * lookups, its address and named ports. Small on purpose: the operator keeps one per pod.
 *
 * @param injected whether it carries the Palisade proxy (label {@code palisade.dev/proxy=injected})
 * @param live not finished (phase other than Succeeded or Failed)
 * @param ip the pod IP, or null before it has one or when it uses the host's network
 * @param namedPorts container port names to numbers, for Services whose targetPort is a name
 */
public record Workload(String namespace, String name, String serviceAccount,
    Map<String, String> labels, boolean injected, boolean live, String ip,
    Map<String, Integer> namedPorts) {

  /** The label injection puts on pods that get the proxy (the public contract). */
  public static final String PROXY_LABEL = "palisade.dev/proxy";
  public static final String PROXY_INJECTED = "injected";

  public Workload {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    namedPorts = namedPorts == null ? Map.of() : Map.copyOf(namedPorts);
  }

  /** What policy needs of {@code pod}; tolerates pods reduced to a few fields by an informer. */
  public static Workload of(Pod pod) {
    var metadata = pod.getMetadata();
    Map<String, String> labels = metadata.getLabels() == null ? Map.of() : metadata.getLabels();
    var spec = pod.getSpec();
    var status = pod.getStatus();
    String phase = status == null ? null : status.getPhase();
    boolean hostNetwork = spec != null && Boolean.TRUE.equals(spec.getHostNetwork());
    String ip = status == null || hostNetwork || status.getPodIP() == null
        || status.getPodIP().isEmpty() ? null : status.getPodIP();
    Map<String, Integer> named = new HashMap<>();
    List<Container> containers = spec == null || spec.getContainers() == null
        ? List.of() : spec.getContainers();
    for (Container container : containers) {
      for (ContainerPort port : container.getPorts() == null ? List.<ContainerPort>of()
          : container.getPorts()) {
        if (port.getName() != null && port.getContainerPort() != null) {
          named.putIfAbsent(port.getName(), port.getContainerPort());
        }
      }
    }
    return new Workload(metadata.getNamespace(), metadata.getName(),
        spec == null ? null : spec.getServiceAccountName(), labels,
        PROXY_INJECTED.equals(labels.get(PROXY_LABEL)),
        !"Succeeded".equals(phase) && !"Failed".equals(phase), ip, named);
  }

  /** {@code namespace/name}: how statuses and logs name a workload. */
  public String key() {
    return namespace + "/" + name;
  }

  /** The identity its certificate carries in {@code trustDomain}. */
  public WorkloadIdentity identity(String trustDomain) {
    return new WorkloadIdentity(trustDomain, namespace,
        serviceAccount == null ? "default" : serviceAccount);
  }
}
