package dev.palisade.operator.config;

import dev.palisade.common.config.DestinationDocument;
import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.operator.policy.Selectors;
import dev.palisade.operator.policy.Workload;
import dev.palisade.api.v1alpha1.WorkloadSelector;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Decides whether a destination address and port is in the mesh, and which identities may serve
 * it. Pure: it reads the cluster view and the destinations' compiled inbound policies.
 *
 * <p>A pod IP is meshed when the pod has the proxy and its mode for the port is not DISABLE. A
 * Service cluster IP is meshed when every live pod it selects is, for the Service port's target
 * port; its identities are those pods' (one per service account). A client cannot choose which
 * endpoint kube-proxy picks, so one pod outside the mesh makes the whole Service plaintext
 * ({@code partially_meshed}): during a migration, run the meshed pods PERMISSIVE.
 */
final class DestinationResolver {

  static final int MESHED_MAX_AGE_SECONDS = 30;
  static final int NOT_MESHED_MAX_AGE_SECONDS = 10;
  static final int UNKNOWN_MAX_AGE_SECONDS = 5;

  private final ClusterView view;
  private final String trustDomain;
  private final Function<Workload, InboundPolicy> inboundOf;

  DestinationResolver(ClusterView view, String trustDomain,
      Function<Workload, InboundPolicy> inboundOf) {
    this.view = view;
    this.trustDomain = trustDomain;
    this.inboundOf = inboundOf;
  }

  /** {@code ip} must be normalized ({@link Addresses#normalize}). */
  DestinationDocument resolve(String ip, int port) {
    Optional<Workload> pod = view.podByIp(ip);
    if (pod.isPresent()) {
      return forPod(ip, port, pod.get());
    }
    Optional<ServiceView> service = view.serviceByIp(ip);
    if (service.isPresent()) {
      return forService(ip, port, service.get());
    }
    return notMeshed(ip, port, "unknown_address", UNKNOWN_MAX_AGE_SECONDS);
  }

  private DestinationDocument forPod(String ip, int port, Workload pod) {
    String reason = whyNotMeshed(pod, port);
    return reason != null ? notMeshed(ip, port, reason, NOT_MESHED_MAX_AGE_SECONDS)
        : new DestinationDocument(ip, port, true, List.of(identity(pod)), "meshed",
            MESHED_MAX_AGE_SECONDS);
  }

  private DestinationDocument forService(String ip, int port, ServiceView service) {
    Optional<ServiceView.PortView> servicePort = service.ports().stream()
        .filter(p -> p.port() == port && "TCP".equals(p.protocol())).findFirst();
    if (servicePort.isEmpty()) {
      return notMeshed(ip, port, "unknown_port", NOT_MESHED_MAX_AGE_SECONDS);
    }
    if (service.selector().isEmpty()) {
      return notMeshed(ip, port, "no_endpoints", NOT_MESHED_MAX_AGE_SECONDS);
    }
    WorkloadSelector selector = new WorkloadSelector();
    selector.matchLabels = service.selector();
    List<Workload> endpoints = view.podsIn(service.namespace()).stream()
        .filter(w -> w.live() && Selectors.matches(selector, w.labels()))
        .toList();
    if (endpoints.isEmpty()) {
      return notMeshed(ip, port, "no_endpoints", UNKNOWN_MAX_AGE_SECONDS);
    }
    TreeSet<String> identities = new TreeSet<>();
    TreeSet<String> reasons = new TreeSet<>();
    for (Workload endpoint : endpoints) {
      Integer target = servicePort.get().targetPort() != null ? servicePort.get().targetPort()
          : endpoint.namedPorts().get(servicePort.get().targetPortName());
      String reason = target == null ? "unknown_port" : whyNotMeshed(endpoint, target);
      if (reason == null) {
        identities.add(identity(endpoint));
      } else {
        reasons.add(reason);
      }
    }
    if (!reasons.isEmpty()) {
      // all endpoints outside for one reason: that reason; else some are in, some out
      return notMeshed(ip, port, identities.isEmpty() && reasons.size() == 1 ? reasons.first()
          : "partially_meshed", NOT_MESHED_MAX_AGE_SECONDS);
    }
    return new DestinationDocument(ip, port, true, List.copyOf(identities), "meshed",
        MESHED_MAX_AGE_SECONDS);
  }

  /** Null when {@code pod} serves {@code port} with mTLS; else the reason it does not. */
  private String whyNotMeshed(Workload pod, int port) {
    if (!pod.injected()) {
      return "not_injected";
    }
    return inboundOf.apply(pod).modeFor(port) == MtlsMode.DISABLE ? "mtls_disabled" : null;
  }

  private String identity(Workload pod) {
    return pod.identity(trustDomain).toString();
  }

  private static DestinationDocument notMeshed(String ip, int port, String reason, int maxAge) {
    return new DestinationDocument(ip, port, false, List.of(), reason, maxAge);
  }
}
