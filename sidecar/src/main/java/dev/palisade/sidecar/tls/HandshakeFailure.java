package dev.palisade.sidecar.tls;

import java.util.Locale;

/**
 * Why a connection was refused before any byte reached the other side: the one closed set of
 * {@code reason} values of {@code palisade_tls_handshakes_total{result="failure"}}, documented in
 * docs/sidecar.md. Adding a value is a change to the public contract.
 */
public enum HandshakeFailure {
  /** Inbound TLS client sent no certificate. */
  NO_CLIENT_CERT,
  /** The peer's chain does not lead to a root in the trust bundle (another CA, missing issuer). */
  UNTRUSTED_CHAIN,
  /** The peer's certificate, or one above it, is expired or not yet valid. */
  EXPIRED,
  /**
   * The peer's certificate does not carry exactly one valid SPIFFE ID of our trust domain, or
   * (outbound) not the identity the destination must present.
   */
  IDENTITY_MISMATCH,
  /** The peer's certificate is revoked: its serial number is in the configuration in force. */
  REVOKED,
  /** The peer's SPIFFE ID is suspended: every certificate of it is refused. */
  IDENTITY_SUSPENDED,
  /** The peer offered no TLS version we accept (TLS 1.3 only by default). */
  TLS_VERSION,
  /** The peer refused our certificate (it sent a certificate alert). */
  PEER_REJECTED,
  /** Plaintext where mutual TLS is required: a STRICT inbound port, or outbound requireMtls. */
  PLAINTEXT_REJECTED,
  /** Not admitted within the handshake timeout (including protocol detection). */
  HANDSHAKE_TIMEOUT,
  /** Authenticated (or, where allowed, plaintext) but an AccessPolicy refuses it. */
  POLICY_DENIED,
  /**
   * Outbound: whether the destination is in the mesh is unknown (the operator cannot be asked
   * and there is no earlier answer); refused rather than risk sending plaintext to a meshed
   * server.
   */
  DESTINATION_UNKNOWN,
  /**
   * The connection's original destination is one of the proxy's own ports on this pod (such as
   * {@code podIP:15006}): relaying it would loop back into the proxy.
   */
  LOOP_DETECTED,
  /** The proxy had its maximum of connections open ({@code --max-connections}). */
  OVERLOADED,
  /** Anything else: malformed TLS, nothing in common to negotiate, peer gone mid-handshake. */
  PROTOCOL_ERROR;

  /** The metric label, e.g. {@code no_client_cert}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
