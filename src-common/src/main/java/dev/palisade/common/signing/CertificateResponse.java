package dev.palisade.common.signing;

import dev.palisade.common.pki.Pem;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The answer to a signing request: the chain to present (leaf, then intermediates), the roots
 * to trust, the identity granted, and when the leaf expires (RFC 3339). All PEM and strings, so
 * the wire format is exactly these four fields.
 */
public record CertificateResponse(String certificateChain, String trustBundle, String spiffeId,
    String notAfter) {

  public static CertificateResponse of(List<X509Certificate> chain,
      List<X509Certificate> trustBundle, String spiffeId) {
    return new CertificateResponse(Pem.certificates(chain), Pem.certificates(trustBundle),
        spiffeId, chain.getFirst().getNotAfter().toInstant().toString());
  }

  /** @throws IllegalArgumentException when a field is missing or not PEM */
  public List<X509Certificate> chain() {
    return Pem.parseCertificates(required("certificateChain", certificateChain));
  }

  /** @throws IllegalArgumentException when a field is missing or not PEM */
  public List<X509Certificate> bundle() {
    return Pem.parseCertificates(required("trustBundle", trustBundle));
  }

  public Instant expiry() {
    return Instant.parse(required("notAfter", notAfter));
  }

  private static String required(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " is missing");
    }
    return value;
  }
}
