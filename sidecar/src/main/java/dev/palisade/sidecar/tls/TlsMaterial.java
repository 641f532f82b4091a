package dev.palisade.sidecar.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * What the sidecar serves and trusts: its certificate chain (leaf first, then intermediates),
 * the leaf's private key, and the trust bundle (roots) peers are verified against. Validated
 * when published to a {@link TlsMaterialHolder}, not here, so that a bad update can be
 * reported and refused there.
 */
public record TlsMaterial(List<X509Certificate> chain, PrivateKey key,
    List<X509Certificate> trustBundle) {

  public TlsMaterial {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("the certificate chain is empty");
    }
    if (trustBundle.isEmpty()) {
      throw new IllegalArgumentException("the trust bundle is empty");
    }
    chain = List.copyOf(chain);
    trustBundle = List.copyOf(trustBundle);
  }

  public X509Certificate leaf() {
    return chain.getFirst();
  }

  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  @Override
  public String toString() {
    return "TlsMaterial[" + X509Svid.describe(leaf()) + ", notAfter=" + notAfter()
        + ", roots=" + trustBundle.size() + "]"; // never the key
  }
}
