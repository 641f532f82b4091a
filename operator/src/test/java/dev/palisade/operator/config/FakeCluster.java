package dev.palisade.operator.config;

import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.api.v1alpha1.MeshPolicy;
import dev.palisade.operator.policy.PolicySnapshot;
import dev.palisade.operator.policy.Workload;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link ClusterView} held in memory, for unit tests. */
final class FakeCluster implements ClusterView {

  static final String OPERATOR_NS = "palisade-system";

  final List<MeshPolicy> meshPolicies = new CopyOnWriteArrayList<>();
  final List<AccessPolicy> accessPolicies = new CopyOnWriteArrayList<>();
  final Map<String, Workload> pods = new ConcurrentHashMap<>();
  final Map<String, ServiceView> services = new ConcurrentHashMap<>();

  FakeCluster add(Workload workload) {
    pods.put(workload.key(), workload);
    return this;
  }

  @Override
  public boolean synced() {
    return true;
  }

  @Override
  public PolicySnapshot policies() {
    return new PolicySnapshot(OPERATOR_NS, meshPolicies, accessPolicies);
  }

  @Override
  public Optional<Workload> pod(String namespace, String name) {
    return Optional.ofNullable(pods.get(namespace + "/" + name));
  }

  @Override
  public Collection<Workload> podsIn(String namespace) {
    return pods.values().stream().filter(w -> w.namespace().equals(namespace)).toList();
  }

  @Override
  public Optional<Workload> podByIp(String ip) {
    return pods.values().stream().filter(w -> w.ip() != null && w.live()
        && ip.equals(Addresses.normalize(w.ip()).orElse(null))).findFirst();
  }

  @Override
  public Optional<ServiceView> serviceByIp(String ip) {
    return services.values().stream().filter(s -> s.clusterIps().contains(ip)).findFirst();
  }

  static Workload pod(String namespace, String name, String serviceAccount, boolean injected,
      String ip, Map<String, String> labels, Map<String, Integer> namedPorts) {
    return new Workload(namespace, name, serviceAccount, labels, injected, true, ip, namedPorts);
  }
}
