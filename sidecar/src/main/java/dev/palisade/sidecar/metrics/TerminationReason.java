package dev.palisade.sidecar.metrics;

import java.util.Locale;

/**
 * Why an established connection was closed by a configuration change: the {@code reason} of
 * {@code palisade_connections_terminated_total}.
 */
public enum TerminationReason {
  /** An AccessPolicy now denies its peer on its port. */
  POLICY_DENIED,
  /** Plaintext, and its port (inbound) or the outbound policy now requires mTLS. */
  MTLS_REQUIRED,
  /** Its peer's certificate is now revoked. */
  REVOKED,
  /** Its peer's identity is now suspended. */
  IDENTITY_SUSPENDED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * A security event (a leaked key, a compromised workload): closed at once, never after a
   * MeshPolicy's drain period, which is for policy changes.
   */
  public boolean closesAtOnce() {
    return this == REVOKED || this == IDENTITY_SUSPENDED;
  }
}
