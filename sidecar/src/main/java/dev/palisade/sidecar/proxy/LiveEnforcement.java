package dev.palisade.sidecar.proxy;

import dev.palisade.common.policy.Authorization;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.revocation.Revocations;
import dev.palisade.sidecar.metrics.Direction;
import dev.palisade.sidecar.metrics.TerminationReason;
import java.util.Optional;

/**
 * Whether an established connection is still admitted by a new configuration. Meshes decide
 * once, when a connection opens; Palisade decides again on every configuration change, so that
 * a DENY, or a port moved to STRICT, stops traffic that is already flowing (docs/sidecar.md,
 * "Live enforcement"), and a revoked certificate or a suspended identity stops it first, in both
 * directions ("Revocation and suspension"). Pure.
 */
final class LiveEnforcement {
  private LiveEnforcement() {}

  /** Why {@code connection} would not be admitted under {@code config}; empty if it would. */
  record Verdict(TerminationReason reason, String detail) {}

  static Optional<Verdict> recheck(Admitted connection, SidecarConfig config) {
    Optional<Verdict> revoked = connection.peer()
        .flatMap(peer -> revoked(peer, config.revocations()));
    if (revoked.isPresent()) {
      return revoked;
    }
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
    Authorization authorization = config.inbound().authorize(
        connection.peer().map(VerifiedPeer::id), connection.port());
    return authorization.allowed() ? Optional.empty()
        : Optional.of(new Verdict(TerminationReason.POLICY_DENIED, "denied on port "
            + connection.port() + " by " + (authorization.decidedBy() == null
                ? "the default (an ALLOW rule exists but none matches)"
                : authorization.decidedBy())));
  }

  private static Optional<Verdict> revoked(VerifiedPeer peer, Revocations revocations) {
    if (revocations.revokes(peer.serial())) {
      return Optional.of(new Verdict(TerminationReason.REVOKED,
          "the peer's certificate is revoked: " + peer));
    }
    if (revocations.suspends(peer.id())) {
      return Optional.of(new Verdict(TerminationReason.IDENTITY_SUSPENDED,
          "the peer's identity is suspended: " + peer));
    }
    return Optional.empty();
  }
}
