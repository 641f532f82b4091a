package dev.palisade.common.policy;

import dev.palisade.common.spiffe.SpiffeId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a workload's sidecar enforces on inbound connections: the mTLS mode per port and the
 * access rules, already resolved for this workload by the operator.
 *
 * <p>Evaluation: DENY rules first (any match refuses); then, if any ALLOW rule selects the
 * workload, only connections an ALLOW rule matches are accepted; with no ALLOW rule everything
 * not denied is accepted. AUDIT rules never change the outcome; their matches are reported.
 */
public record InboundPolicy(MtlsMode defaultMode, Map<Integer, MtlsMode> portModes,
    List<AccessRule> rules, Duration drainOnPolicyChange) {

  /**
   * @param drainOnPolicyChange how long an established connection a new configuration no longer
   *     admits may run on before it is closed; zero: closed at once
   */
  public InboundPolicy {
    portModes = Map.copyOf(portModes);
    rules = List.copyOf(rules);
    drainOnPolicyChange = drainOnPolicyChange == null ? Duration.ZERO : drainOnPolicyChange;
    if (drainOnPolicyChange.isNegative()) {
      throw new IllegalArgumentException("drainOnPolicyChange: must not be negative");
    }
  }

  /** Established connections a change no longer admits are closed at once. */
  public InboundPolicy(MtlsMode defaultMode, Map<Integer, MtlsMode> portModes,
      List<AccessRule> rules) {
    this(defaultMode, portModes, rules, Duration.ZERO);
  }

  /** This policy with {@code drain} for connections a change no longer admits. */
  public InboundPolicy withDrainOnPolicyChange(Duration drain) {
    return new InboundPolicy(defaultMode, portModes, rules, drain);
  }

  /** Nothing configured: STRICT mTLS, every authenticated peer accepted. */
  public static InboundPolicy strictDefault() {
    return new InboundPolicy(MtlsMode.STRICT, Map.of(), List.of());
  }

  public MtlsMode modeFor(int port) {
    return portModes.getOrDefault(port, defaultMode);
  }

  public Authorization authorize(Optional<SpiffeId> peer, int port) {
    List<String> audited = new ArrayList<>();
    for (AccessRule rule : rules) {
      if (rule.action() == PolicyAction.AUDIT && rule.matches(peer, port)) {
        audited.add(rule.policy());
      }
    }
    for (AccessRule rule : rules) {
      if (rule.action() == PolicyAction.DENY && rule.matches(peer, port)) {
        return new Authorization(false, rule.policy(), audited);
      }
    }
    boolean anyAllow = false;
    for (AccessRule rule : rules) {
      if (rule.action() == PolicyAction.ALLOW) {
        anyAllow = true;
        if (rule.matches(peer, port)) {
          return new Authorization(true, rule.policy(), audited);
        }
      }
    }
    return new Authorization(!anyAllow, null, audited);
  }
}
