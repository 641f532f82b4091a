package dev.palisade.common.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** PEM in and out: certificates, PKCS#8 private keys, PKCS#10 requests. */
public final class Pem {
  private Pem() {}

  public static String certificates(Collection<X509Certificate> certificates) {
    StringBuilder pem = new StringBuilder();
    certificates.forEach(certificate -> pem.append(certificate(certificate)));
    return pem.toString();
  }

  /** With the JDK alone: the proxy, which has no BouncyCastle, writes certificates too. */
  public static String certificate(X509Certificate certificate) {
    try {
      return block("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode " + certificate.getSubjectX500Principal(), e);
    }
  }

  /** PKCS#8 ("BEGIN PRIVATE KEY"), the form Secrets' tls.key carries. */
  public static String privateKey(PrivateKey key) {
    return block("PRIVATE KEY", key.getEncoded());
  }

  public static String csr(PKCS10CertificationRequest csr) {
    try {
      return block("CERTIFICATE REQUEST", csr.getEncoded());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One PEM block: base64 in lines of 64, as OpenSSL and BouncyCastle write it. */
  private static String block(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** Every certificate in {@code pem}, in order; throws if there is none or one is malformed. */
  public static List<X509Certificate> parseCertificates(String pem) {
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      List<X509Certificate> certificates = new ArrayList<>();
      for (var c : factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(
          java.nio.charset.StandardCharsets.US_ASCII)))) {
        certificates.add((X509Certificate) c);
      }
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("no PEM certificate found");
      }
      return certificates;
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
    }
  }

  /**
   * A private key in PKCS#8, or in the traditional "EC/RSA PRIVATE KEY" form OpenSSL writes; read
   * with the JDK alone ({@link PrivateKeys}).
   */
  public static PrivateKey parsePrivateKey(String pem) {
    return PrivateKeys.parse(pem);
  }
}
