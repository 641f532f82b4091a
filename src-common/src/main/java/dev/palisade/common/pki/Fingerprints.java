package dev.palisade.common.pki;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HexFormat;
import java.util.stream.Collectors;

/** SHA-256 fingerprints, as `openssl x509 -fingerprint -sha256` shows them but lowercase. */
public final class Fingerprints {
  private Fingerprints() {}

  public static String sha256(X509Certificate certificate) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A trust bundle's version: 12 hex digits of SHA-256 over its roots' fingerprints, in order.
   * Short and stable; changes exactly when the set of roots changes. TrustDomain status shows it
   * for a trust domain's roots, the proxy's {@code GET /identity} for the bundle it holds.
   */
  public static String bundleVersion(Collection<X509Certificate> roots) {
    String fingerprints = roots.stream().map(Fingerprints::sha256)
        .collect(Collectors.joining(","));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(fingerprints.getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
