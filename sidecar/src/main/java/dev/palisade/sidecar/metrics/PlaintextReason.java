package dev.palisade.sidecar.metrics;

import java.util.Locale;

/**
 * Why a connection was relayed without TLS: the {@code reason} of
 * {@code palisade_tls_handshakes_total{result="plaintext"}}.
 */
public enum PlaintextReason {
  /** Inbound, PERMISSIVE port, the client did not start TLS. */
  PERMISSIVE,
  /** Inbound, DISABLE port: bytes pass through untouched. */
  DISABLED,
  /** Outbound, the destination is not in the mesh (and requireMtls is off). */
  NOT_MESHED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
