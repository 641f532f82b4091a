package dev.palisade.api.v1alpha1;

/** Key types Palisade generates. ECDSA P-256 is the default everywhere: small and fast. */
public enum KeyAlgorithm {
  ECDSA_P256,
  RSA_3072
}
