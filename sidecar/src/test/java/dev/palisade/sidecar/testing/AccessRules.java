package dev.palisade.sidecar.testing;

import dev.palisade.common.policy.AccessRule;
import dev.palisade.common.policy.IdentityPattern;
import dev.palisade.common.policy.PeerMatch;
import dev.palisade.common.policy.PolicyAction;
import java.util.List;
import java.util.Set;

/** Access rules for tests: one action for one identity pattern. */
public final class AccessRules {
  private AccessRules() {}

  public static AccessRule rule(String name, PolicyAction action, String identity) {
    return new AccessRule(name, action, List.of(new PeerMatch(
        List.of(new IdentityPattern(identity)), Set.of(), Set.of(), Set.of())));
  }
}
