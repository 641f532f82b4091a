package dev.palisade.api.v1alpha1;

/** How a sidecar treats inbound connections, as Istio's PeerAuthentication modes. */
public enum MtlsMode {
  /** Only mutual TLS from the trust domain. */
  STRICT,
  /** Mutual TLS and plaintext both accepted (plaintext counted): the migration mode. */
  PERMISSIVE,
  /** No TLS termination: bytes pass through. */
  DISABLE
}
