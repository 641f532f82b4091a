package dev.palisade.operator.ca;

import dev.palisade.common.pki.KeyType;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * What a TrustDomain asks of its CA, parsed and checked: no strings, no defaults left to apply.
 *
 * @param bundlePropagation how long a new root sits in the trust bundle before anything chains
 *     to it, so every peer trusts it before it meets a leaf under it
 */
public record CaSettings(String trustDomain, RootSource root, KeyType issuerKeyType,
    Duration issuerLifetime, Duration issuerRenewBefore, Duration workloadLifetime,
    Duration bundlePropagation) {

  /** Where the root comes from. */
  public sealed interface RootSource {}

  /** Palisade generates the root and rotates it {@code renewBefore} ahead of expiry. */
  public record GeneratedRoot(KeyType keyType, Duration lifetime, Duration renewBefore)
      implements RootSource {}

  /** The root (a CA certificate and its key) comes from the user's Secret. */
  public record ImportedRoot(X509Certificate certificate, PrivateKey key) implements RootSource {}
}
