package dev.palisade.common.policy;

import dev.palisade.common.spiffe.SpiffeId;
import java.util.List;
import java.util.Optional;

/**
 * One AccessPolicy as it applies to a workload.
 *
 * @param policy {@code namespace/name} of the AccessPolicy, for audit records and debugging
 */
public record AccessRule(String policy, PolicyAction action, List<PeerMatch> matches) {

  public AccessRule {
    matches = List.copyOf(matches);
  }

  public boolean matches(Optional<SpiffeId> peer, int port) {
    return matches.stream().anyMatch(m -> m.matches(peer, port));
  }
}
