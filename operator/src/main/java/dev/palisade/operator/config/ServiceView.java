package dev.palisade.operator.config;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a destination lookup needs of a Service: where it is, which pods it selects, and how its
 * ports map to the pods' ports.
 *
 * @param selector the Service's pod selector; empty for a Service without one (endpoints managed
 *     by hand), whose pods cannot be known
 */
record ServiceView(String namespace, String name, List<String> clusterIps,
    Map<String, String> selector, List<PortView> ports) {

  /**
   * One Service port.
   *
   * @param targetPort the pods' port number, or null when it is named
   * @param targetPortName the pods' port name, or null when it is a number
   */
  record PortView(int port, String protocol, Integer targetPort, String targetPortName) {}

  ServiceView {
    clusterIps = List.copyOf(clusterIps);
    selector = selector == null ? Map.of() : Map.copyOf(selector);
    ports = List.copyOf(ports);
  }

  /** Null for a headless Service or one without a cluster IP: pods are then dialled directly. */
  static ServiceView of(Service service) {
    var spec = service.getSpec();
    if (spec == null) {
      return null;
    }
    List<String> ips = new ArrayList<>();
    if (spec.getClusterIPs() != null) {
      ips.addAll(spec.getClusterIPs());
    } else if (spec.getClusterIP() != null) {
      ips.add(spec.getClusterIP());
    }
    List<String> usable = ips.stream().filter(ip -> !ip.isEmpty() && !"None".equals(ip))
        .map(Addresses::normalize).flatMap(Optional::stream).distinct().toList();
    if (usable.isEmpty()) {
      return null;
    }
    List<PortView> ports = new ArrayList<>();
    for (ServicePort port : spec.getPorts() == null ? List.<ServicePort>of() : spec.getPorts()) {
      if (port.getPort() == null) {
        continue;
      }
      IntOrString target = port.getTargetPort();
      Integer number = port.getPort();
      String name = null;
      if (target != null && target.getIntVal() != null) {
        number = target.getIntVal();
      } else if (target != null && target.getStrVal() != null) {
        number = null;
        name = target.getStrVal();
      }
      ports.add(new PortView(port.getPort(),
          port.getProtocol() == null ? "TCP" : port.getProtocol(), number, name));
    }
    return new ServiceView(service.getMetadata().getNamespace(), service.getMetadata().getName(),
        usable, spec.getSelector(), ports);
  }
}
