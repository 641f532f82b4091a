package dev.palisade.common.policy;

import dev.palisade.common.spiffe.SpiffeId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One rule of an AccessPolicy: it matches when every field that is set matches; a field matches
 * when any of its entries does. Empty fields are unset.
 *
 * @param serviceAccounts {@code namespace/name} (the compiler qualifies bare names)
 */
public record PeerMatch(List<IdentityPattern> identities, Set<String> namespaces,
    Set<String> serviceAccounts, Set<Integer> ports) {

  public PeerMatch {
    identities = List.copyOf(identities);
    namespaces = Set.copyOf(namespaces);
    serviceAccounts = Set.copyOf(serviceAccounts);
    ports = Set.copyOf(ports);
  }

  /** Whether a connection from {@code peer} (empty: not authenticated) to {@code port} matches. */
  public boolean matches(Optional<SpiffeId> peer, int port) {
    if (!ports.isEmpty() && !ports.contains(port)) {
      return false;
    }
    boolean needsPeer = !identities.isEmpty() || !namespaces.isEmpty() || !serviceAccounts.isEmpty();
    if (!needsPeer) {
      return true;
    }
    if (peer.isEmpty()) {
      return false; // rules about who the peer is never match an unauthenticated one
    }
    SpiffeId id = peer.get();
    if (!identities.isEmpty() && identities.stream().noneMatch(p -> p.matches(id))) {
      return false;
    }
    Optional<String[]> workload = workload(id);
    if (!namespaces.isEmpty()
        && workload.map(w -> !namespaces.contains(w[0])).orElse(true)) {
      return false;
    }
    return serviceAccounts.isEmpty()
        || workload.map(w -> serviceAccounts.contains(w[0] + "/" + w[1])).orElse(false);
  }

  /** [namespace, service account] of a workload identity {@code spiffe://td/ns/N/sa/S}. */
  private static Optional<String[]> workload(SpiffeId id) {
    List<String> path = id.path();
    return path.size() == 4 && path.get(0).equals("ns") && path.get(2).equals("sa")
        ? Optional.of(new String[] {path.get(1), path.get(3)})
        : Optional.empty();
  }
}
