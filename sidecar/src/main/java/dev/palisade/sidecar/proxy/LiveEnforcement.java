package dev.palisade.sidecar.proxy;

import dev.palisade.common.policy.Authorization;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.sidecar.metrics.Direction;
import dev.palisade.sidecar.metrics.TerminationReason;
import java.util.Optional;

/**
 * Whether an established connection is still admitted by a new configuration. Meshes decide
 * once, when a connection opens; Palisade decides again on every configuration change, so that
 * a DENY, or a port moved to STRICT, stops traffic that is already flowing (docs/sidecar.md,
 * "Live enforcement"). Pure.
 */
final class LiveEnforcement {
  private LiveEnforcement() {}

  /** Why {@code connection} would not be admitted under {@code config}; empty if it would. */
  record Verdict(TerminationReason reason, String detail) {}

  static Optional<Verdict> recheck(Admitted connection, SidecarConfig config) {
    if (connection.direction() == Direction.OUTBOUND) {
      return !connection.mtls() && config.outbound().requireMtls()
          ? Optional.of(new Verdict(TerminationReason.MTLS_REQUIRED,
              "the outbound policy requires mTLS now"))
          : Optional.empty();
    }
    MtlsMode mode = config.inbound().modeFor(connection.port());
    if (!connection.mtls() && mode == MtlsMode.STRICT) {
      return Optional.of(new Verdict(TerminationReason.MTLS_REQUIRED,
          "port " + connection.port() + " is STRICT now"));
    }
    Authorization authorization = config.inbound().authorize(connection.peer(),
        connection.port());
    return authorization.allowed() ? Optional.empty()
        : Optional.of(new Verdict(TerminationReason.POLICY_DENIED, "denied on port "
            + connection.port() + " by " + (authorization.decidedBy() == null
                ? "the default (an ALLOW rule exists but none matches)"
                : authorization.decidedBy())));
  }
}
