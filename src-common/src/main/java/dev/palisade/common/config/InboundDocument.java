package dev.palisade.common.config;

import dev.palisade.common.policy.AccessRule;
import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.MtlsMode;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link InboundPolicy} on the wire.
 *
 * @param defaultMode the mode of every port not in {@code portModes}; STRICT when absent
 * @param portModes ports whose mode differs from {@code defaultMode}
 * @param rules access rules, in evaluation order (DENY first is the evaluator's job)
 * @param drainSeconds how long established connections a new configuration no longer admits run
 *     on before they are closed; absent: closed at once
 */
public record InboundDocument(MtlsMode defaultMode, Map<Integer, MtlsMode> portModes,
    List<RuleDocument> rules,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer drainSeconds) {

  public InboundDocument {
    // absent: STRICT, the mode that lets nothing through unauthenticated
    defaultMode = defaultMode == null ? MtlsMode.STRICT : defaultMode;
    portModes = portModes == null ? Map.of() : Map.copyOf(portModes);
    portModes.keySet().forEach(port -> Fields.port("portModes." + port, port));
    rules = rules == null ? List.of() : List.copyOf(rules);
    if (drainSeconds != null && (drainSeconds < 0 || drainSeconds > MAX_DRAIN_SECONDS)) {
      throw new IllegalArgumentException("drainSeconds: must be from 0 to " + MAX_DRAIN_SECONDS);
    }
  }

  /** Established connections a change no longer admits are closed at once. */
  public InboundDocument(MtlsMode defaultMode, Map<Integer, MtlsMode> portModes,
      List<RuleDocument> rules) {
    this(defaultMode, portModes, rules, null);
  }

  /** An hour, as MeshPolicy's drainPeriod allows. */
  public static final int MAX_DRAIN_SECONDS = 3600;

  public static InboundDocument of(InboundPolicy policy) {
    long drain = policy.drainOnPolicyChange().toSeconds();
    return new InboundDocument(policy.defaultMode(), new TreeMap<>(policy.portModes()),
        policy.rules().stream().map(RuleDocument::of).toList(),
        drain == 0 ? null : (int) drain); // absent when zero: older documents read the same
  }

  public InboundPolicy toPolicy() {
    List<AccessRule> accessRules = rules.stream().map(RuleDocument::toRule).toList();
    return new InboundPolicy(defaultMode, portModes, accessRules,
        Duration.ofSeconds(drainSeconds == null ? 0 : drainSeconds));
  }
}
