package dev.palisade.cli;

import dev.palisade.common.policy.AccessRule;
import dev.palisade.common.policy.Authorization;
import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.operator.policy.PolicyCompiler;
import dev.palisade.operator.policy.PolicySnapshot;
import dev.palisade.operator.policy.Workload;
import java.util.List;
import java.util.Optional;

/**
 * Why a connection from a peer to a workload's port is admitted or refused, computed by the
 * operator's {@link PolicyCompiler} and the {@link InboundPolicy} the destination's proxy
 * enforces. Pure.
 */
public final class PolicyExplainer {

  /**
   * One answer.
   *
   * @param verdict {@code ALLOW} or {@code DENY}
   * @param mtlsMode the destination port's mode, or {@code NONE} when it has no proxy
   * @param modeDecidedBy the MeshPolicy ({@code namespace/name}) that sets the mode, or null for
   *     the built-in STRICT
   * @param modeLevel {@code workload}, {@code namespace-wide} or {@code mesh-wide}, or null
   * @param modeByPortEntry whether the mode comes from the policy's entry for this port
   * @param decidedBy the AccessPolicy ({@code namespace/name}) whose rule decided, or null
   * @param rule the 1-based index of that policy's rule which matched, or null
   * @param audited AUDIT policies that match (the connection is recorded, not affected)
   */
  public record Explanation(String source, String peerIdentity, String destination, int port,
      String verdict, String mtlsMode, String modeDecidedBy, String modeLevel,
      boolean modeByPortEntry, String decidedBy, Integer rule, List<String> audited,
      String reason) {}

  private PolicyExplainer() {}

  /**
   * @param source how the peer was named (a pod or a SPIFFE ID), for the answer
   * @param peer the peer's SPIFFE ID; empty for a client without a proxy (plaintext)
   */
  public static Explanation explain(PolicySnapshot snapshot, String source,
      Optional<SpiffeId> peer, Workload destination, int port) {
    String peerText = peer.map(SpiffeId::toString).orElse(null);
    if (!destination.injected()) {
      return new Explanation(source, peerText, destination.key(), port, "ALLOW", "NONE", null,
          null, false, null, null, List.of(), destination.key() + " has no Palisade proxy"
          + " (label palisade.dev/proxy=injected): no MeshPolicy or AccessPolicy applies to it,"
          + " and it accepts whatever its application accepts");
    }
    PolicyCompiler.ModeSource mode = PolicyCompiler.modeSource(snapshot, destination, port);
    String modeBy = mode.policy() == null ? null : PolicySnapshot.key(mode.policy());
    String level = mode.level() == null ? null : mode.level().description();
    String modeText = "mTLS mode " + mode.mode() + " on port " + port + " ("
        + (modeBy == null ? "built-in default: no MeshPolicy applies"
            : "MeshPolicy " + modeBy + ", " + level
                + (mode.portEntry() ? ", its entry for port " + port : ", its mode"))
        + ")";
    if (mode.mode() == MtlsMode.STRICT && peer.isEmpty()) {
      return new Explanation(source, null, destination.key(), port, "DENY", mode.mode().name(),
          modeBy, level, mode.portEntry(), null, null, List.of(), modeText
              + " refuses a client without a Palisade certificate; " + source
              + " has no proxy, so it connects in plaintext");
    }
    // On a DISABLE port the proxy does not look at TLS: the peer is unauthenticated.
    Optional<SpiffeId> seen = mode.mode() == MtlsMode.DISABLE ? Optional.empty() : peer;
    InboundPolicy inbound = PolicyCompiler.inbound(snapshot, destination);
    Authorization authorization = inbound.authorize(seen, port);
    Integer ruleIndex = null;
    if (authorization.decidedBy() != null) {
      ruleIndex = matchingRule(inbound, authorization.decidedBy(), seen, port);
    }
    String peerText2 = seen.map(id -> "peer " + id).orElse("an unauthenticated peer"
        + (mode.mode() == MtlsMode.DISABLE ? " (DISABLE: the identity is not looked at)"
            : " (plaintext)"));
    String access;
    if (authorization.decidedBy() != null) {
      access = (authorization.allowed() ? "allowed" : "denied") + " by AccessPolicy "
          + authorization.decidedBy() + (ruleIndex == null ? "" : ", rule " + ruleIndex);
    } else if (authorization.allowed()) {
      access = "allowed: no AccessPolicy of " + destination.namespace()
          + " that selects the workload denies it, and none allows only others";
    } else {
      access = "denied: AccessPolicies of action ALLOW select " + destination.key()
          + " and none of their rules matches " + peerText2
          + (seen.isEmpty() ? " (rules naming identities, namespaces or service accounts never"
              + " match one without a verified identity)" : "");
    }
    return new Explanation(source, peerText, destination.key(), port,
        authorization.allowed() ? "ALLOW" : "DENY", mode.mode().name(), modeBy, level,
        mode.portEntry(), authorization.decidedBy(), ruleIndex, authorization.audited(),
        modeText + "; " + peerText2 + " " + access);
  }

  /** The 1-based index of {@code policy}'s first rule that matches. */
  static Integer matchingRule(InboundPolicy inbound, String policy, Optional<SpiffeId> peer,
      int port) {
    for (AccessRule rule : inbound.rules()) {
      if (rule.policy().equals(policy)) {
        for (int i = 0; i < rule.matches().size(); i++) {
          if (rule.matches().get(i).matches(peer, port)) {
            return i + 1;
          }
        }
      }
    }
    return null;
  }

  /** The text form of {@code -o text}. */
  public static String text(Explanation e) {
    StringBuilder out = new StringBuilder();
    out.append(e.verdict()).append("  ").append(e.source()).append(" -> ")
        .append(e.destination()).append(':').append(e.port()).append('\n');
    if (e.peerIdentity() != null) {
      out.append("  peer identity: ").append(e.peerIdentity()).append('\n');
    }
    out.append("  mTLS mode:     ").append(e.mtlsMode());
    if (!e.mtlsMode().equals("NONE")) {
      out.append(e.modeDecidedBy() == null ? " (built-in default)"
          : " (MeshPolicy " + e.modeDecidedBy() + ", " + e.modeLevel()
              + (e.modeByPortEntry() ? ", port entry" : "") + ")");
    }
    out.append('\n');
    if (e.decidedBy() != null) {
      out.append("  decided by:    AccessPolicy ").append(e.decidedBy())
          .append(e.rule() == null ? "" : " rule " + e.rule()).append('\n');
    }
    if (!e.audited().isEmpty()) {
      out.append("  audited by:    ").append(String.join(", ", e.audited())).append('\n');
    }
    out.append("  why:           ").append(e.reason()).append('\n');
    return out.toString();
  }
}
