package dev.palisade.api.v1alpha1;

import dev.palisade.common.policy.PolicyAction;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class AccessPolicySpec {

  @JsonPropertyDescription("Pods (in this namespace) the policy applies to, by label. Unset or"
      + " empty selects every workload in the namespace.")
  public WorkloadSelector selector;

  @Required
  @JsonPropertyDescription("ALLOW (permit matches; all else is denied once any ALLOW selects the"
      + " workload), DENY (refuse matches; evaluated first) or AUDIT (permit and count matches).")
  public PolicyAction action;

  @Required
  @Size(min = 1, max = 32)
  @JsonPropertyDescription("The policy matches a connection when any rule matches it.")
  public List<Rule> rules;

  /** Within a rule every field that is set must match; within a field any entry may match. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @ValidationRule(
      value = "has(self.identities) || has(self.namespaces) || has(self.serviceAccounts)"
          + " || has(self.ports)",
      message = "a rule must set at least one of identities, namespaces, serviceAccounts or"
          + " ports; to match every authenticated peer use identities: [\"*\"]")
  public static class Rule {
    @Size(min = 1, max = 32)
    @ValidationRule(value = "self.all(i, i.matches('" + Rules.SPIFFE_ID_PATTERN + "'))",
        message = "entries must be SPIFFE IDs (spiffe://<trust domain>/<path>), optionally ending"
            + " in a '/*' wildcard segment, such as spiffe://cluster.local/ns/shop/*, or '*' alone;"
            + " a '*' inside a segment (ns/team-a*) is refused: it would match ns/team-a-evil")
    @JsonPropertyDescription("Peer SPIFFE IDs (up to 512 characters each). A final '/*' segment matches every ID"
        + " below that path, such as spiffe://cluster.local/ns/shop/*; '*' alone matches any"
        + " authenticated peer. Wildcards match whole path segments only.")
    public List<@Size(max = 512) String> identities;

    @Size(min = 1, max = 32)
    @ValidationRule(value = "self.all(n, n.matches('^" + Rules.DNS_LABEL + "$'))",
        message = "entries must be namespace names (lowercase letters, digits and '-')")
    @JsonPropertyDescription("Namespaces of the peer's identity.")
    public List<@Size(max = 63) String> namespaces;

    @Size(min = 1, max = 32)
    @ValidationRule(
        value = "self.all(s, s.matches('^(" + Rules.DNS_LABEL + "/)?" + Rules.DNS_SUBDOMAIN + "$'))",
        message = "entries must be <name> (in this namespace) or <namespace>/<name>")
    @JsonPropertyDescription("Service accounts of the peer's identity: <name> for this namespace,"
        + " or <namespace>/<name>.")
    public List<@Size(max = 317) String> serviceAccounts;

    @Size(min = 1, max = 32)
    @JsonPropertyDescription("Ports of the selected workload the connection is for.")
    public List<@Min(1) @Max(65535) Integer> ports;
  }
}
