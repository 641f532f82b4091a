package dev.palisade.common.policy;

/** How a sidecar treats inbound connections on a port. */
public enum MtlsMode {
  /** Only mutual TLS from the trust domain. */
  STRICT,
  /** Mutual TLS and plaintext both accepted (plaintext counted): the migration mode. */
  PERMISSIVE,
  /** No TLS termination: bytes pass through. */
  DISABLE
}
