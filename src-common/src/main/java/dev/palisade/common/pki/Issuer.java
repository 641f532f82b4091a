package dev.palisade.common.pki;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A CA that can sign: its certificate, its private key, and the chain above it (parents up to
 * and including the root; empty for a root).
 */
public record Issuer(X509Certificate certificate, PrivateKey key, List<X509Certificate> parents) {
  public Issuer {
    parents = List.copyOf(parents);
  }

  /** A new self-signed root of {@code trustDomain} with a fresh key of {@code keyType}. */
  public static Issuer newRoot(KeyType keyType, String trustDomain, Instant now,
      Duration lifetime) {
    KeyPair keys = keyType.generate();
    return new Issuer(X509Profiles.root(keys, trustDomain, now, lifetime), keys.getPrivate(),
        List.of());
  }

  /** A new issuing CA under this one, with a fresh key of {@code keyType}. */
  public Issuer newIntermediate(KeyType keyType, String trustDomain, Instant now,
      Duration lifetime) {
    KeyPair keys = keyType.generate();
    List<X509Certificate> chain = new java.util.ArrayList<>();
    chain.add(certificate);
    chain.addAll(parents);
    return new Issuer(X509Profiles.intermediate(keys.getPublic(), this, trustDomain, now,
        lifetime), keys.getPrivate(), chain);
  }

  /** The certificates a leaf presents after itself: this CA, then its parents except the root. */
  public List<X509Certificate> intermediates() {
    if (parents.isEmpty()) {
      return List.of(); // a root signs directly; the root itself travels in the trust bundle
    }
    List<X509Certificate> chain = new java.util.ArrayList<>();
    chain.add(certificate);
    chain.addAll(parents.subList(0, parents.size() - 1));
    return List.copyOf(chain);
  }

  public X509Certificate root() {
    return parents.isEmpty() ? certificate : parents.getLast();
  }
}
