package dev.palisade.operator.config;

import dev.palisade.operator.policy.PolicySnapshot;
import dev.palisade.operator.policy.Workload;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The informers' view with pods the API server just returned added: what a destination lookup
 * resolves against after {@link LiveLookups} found what the informers had not seen yet.
 */
record WithLivePods(ClusterView informers, List<Workload> live) implements ClusterView {

  @Override
  public boolean synced() {
    return informers.synced();
  }

  @Override
  public PolicySnapshot policies() {
    return informers.policies();
  }

  @Override
  public Optional<Workload> pod(String namespace, String name) {
    return live.stream().filter(w -> w.key().equals(namespace + "/" + name)).findFirst()
        .or(() -> informers.pod(namespace, name));
  }

  @Override
  public Collection<Workload> podsIn(String namespace) {
    List<Workload> pods = new ArrayList<>(informers.podsIn(namespace));
    for (Workload w : live) {
      if (w.namespace().equals(namespace)) {
        pods.removeIf(known -> known.key().equals(w.key()));
        pods.add(w);
      }
    }
    return pods;
  }

  @Override
  public Optional<Workload> podByIp(String ip) {
    return informers.podByIp(ip).or(() -> live.stream()
        .filter(w -> w.live() && Addresses.normalize(w.ip()).filter(ip::equals).isPresent())
        .findFirst());
  }

  @Override
  public Optional<ServiceView> serviceByIp(String ip) {
    return informers.serviceByIp(ip);
  }
}
