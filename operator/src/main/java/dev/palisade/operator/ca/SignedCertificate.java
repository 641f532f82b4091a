package dev.palisade.operator.ca;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * A freshly signed leaf, the intermediates it chains through (not the root), and the trust
 * bundle at signing time.
 */
public record SignedCertificate(X509Certificate leaf, List<X509Certificate> intermediates,
    List<X509Certificate> trustBundle) {

  public SignedCertificate {
    intermediates = List.copyOf(intermediates);
    trustBundle = List.copyOf(trustBundle);
  }

  /** Leaf then intermediates: what {@code tls.crt} holds and a TLS peer presents. */
  public List<X509Certificate> chain() {
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(leaf);
    chain.addAll(intermediates);
    return List.copyOf(chain);
  }
}
