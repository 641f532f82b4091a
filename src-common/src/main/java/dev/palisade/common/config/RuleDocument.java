package dev.palisade.common.config;

import dev.palisade.common.policy.AccessRule;
import dev.palisade.common.policy.PolicyAction;
import java.util.List;

/**
 * {@link AccessRule} on the wire: one AccessPolicy as it applies to the workload.
 *
 * @param policy {@code namespace/name} of the AccessPolicy
 * @param matches the policy's rules; the policy matches when any does
 */
public record RuleDocument(String policy, PolicyAction action, List<MatchDocument> matches) {

  public RuleDocument {
    Fields.required("policy", policy);
    Fields.required("action", action);
    matches = matches == null ? List.of() : List.copyOf(matches);
  }

  public static RuleDocument of(AccessRule rule) {
    return new RuleDocument(rule.policy(), rule.action(),
        rule.matches().stream().map(MatchDocument::of).toList());
  }

  public AccessRule toRule() {
    return new AccessRule(policy, action, matches.stream().map(MatchDocument::toMatch).toList());
  }
}
