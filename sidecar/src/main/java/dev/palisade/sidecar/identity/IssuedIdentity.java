package dev.palisade.sidecar.identity;

import dev.palisade.common.spiffe.SpiffeId;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A workload certificate the CA issued to this sidecar: leaf then intermediates, the key that
 * never left this process, and the trust bundle current at issue time.
 */
public record IssuedIdentity(SpiffeId spiffeId, List<X509Certificate> chain, PrivateKey key,
    List<X509Certificate> trustBundle) {

  public IssuedIdentity {
    chain = List.copyOf(chain);
    trustBundle = List.copyOf(trustBundle);
  }

  public X509Certificate leaf() {
    return chain.getFirst();
  }

  public Instant notBefore() {
    return leaf().getNotBefore().toInstant();
  }

  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  @Override
  public String toString() {
    return "IssuedIdentity[" + spiffeId + ", notAfter=" + notAfter() + "]"; // never the key
  }
}
