package dev.palisade.common.config;

import dev.palisade.common.policy.AccessRule;
import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.MtlsMode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link InboundPolicy} on the wire.
 *
 * @param defaultMode the mode of every port not in {@code portModes}; STRICT when absent
 * @param portModes ports whose mode differs from {@code defaultMode}
 * @param rules access rules, in evaluation order (DENY first is the evaluator's job)
 */
public record InboundDocument(MtlsMode defaultMode, Map<Integer, MtlsMode> portModes,
    List<RuleDocument> rules) {

  public InboundDocument {
    // absent: STRICT, the mode that lets nothing through unauthenticated
    defaultMode = defaultMode == null ? MtlsMode.STRICT : defaultMode;
    portModes = portModes == null ? Map.of() : Map.copyOf(portModes);
    portModes.keySet().forEach(port -> Fields.port("portModes." + port, port));
    rules = rules == null ? List.of() : List.copyOf(rules);
  }

  public static InboundDocument of(InboundPolicy policy) {
    return new InboundDocument(policy.defaultMode(), new TreeMap<>(policy.portModes()),
        policy.rules().stream().map(RuleDocument::of).toList());
  }

  public InboundPolicy toPolicy() {
    List<AccessRule> accessRules = rules.stream().map(RuleDocument::toRule).toList();
    return new InboundPolicy(defaultMode, portModes, accessRules);
  }
}
