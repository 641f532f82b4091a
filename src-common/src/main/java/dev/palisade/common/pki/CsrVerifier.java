package dev.palisade.common.pki;

import dev.palisade.common.pki.CsrRejectedException.Reason;
import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Checks a PKCS#10 request before anything is signed: size, syntax, proof of possession (its
 * self-signature) and key strength. Only the public key is used afterwards: whatever names the
 * request asks for are ignored, since the identity comes from the caller's token.
 */
public final class CsrVerifier {

  /** Far above any real CSR (an RSA-8192 one is about 3 KiB of PEM). */
  public static final int MAX_PEM_CHARS = 16 * 1024;
  public static final int MIN_RSA_BITS = 2048;
  public static final int MAX_RSA_BITS = 8192;

  private static final Map<ASN1ObjectIdentifier, String> SIGNATURE_ALGORITHMS = Map.of(
      X9ObjectIdentifiers.ecdsa_with_SHA256, "SHA256withECDSA",
      X9ObjectIdentifiers.ecdsa_with_SHA384, "SHA384withECDSA",
      X9ObjectIdentifiers.ecdsa_with_SHA512, "SHA512withECDSA",
      PKCSObjectIdentifiers.sha256WithRSAEncryption, "SHA256withRSA",
      PKCSObjectIdentifiers.sha384WithRSAEncryption, "SHA384withRSA",
      PKCSObjectIdentifiers.sha512WithRSAEncryption, "SHA512withRSA");

  private static final Map<ASN1ObjectIdentifier, String> CURVES = Map.of(
      X9ObjectIdentifiers.prime256v1, "P-256",
      SECObjectIdentifiers.secp384r1, "P-384");

  private CsrVerifier() {}

  /** The request's public key, or a rejection saying why not. */
  public static PublicKey verify(String pem) throws CsrRejectedException {
    if (pem == null || pem.isBlank()) {
      throw new CsrRejectedException(Reason.MALFORMED, "the request carries no CSR");
    }
    if (pem.length() > MAX_PEM_CHARS) {
      throw new CsrRejectedException(Reason.TOO_LARGE,
          "CSR is larger than " + MAX_PEM_CHARS + " characters");
    }
    try {
      return verifyParsed(parse(pem));
    } catch (RuntimeException e) {
      // BouncyCastle reports some malformed structures unchecked (found by CsrFuzzTest): a
      // request is refused for them like any other, never answered with a 500.
      throw new CsrRejectedException(Reason.MALFORMED, "CSR is malformed: " + e.getMessage());
    }
  }

  private static PublicKey verifyParsed(PKCS10CertificationRequest csr)
      throws CsrRejectedException {
    SubjectPublicKeyInfo keyInfo = csr.getSubjectPublicKeyInfo();
    checkKeyType(keyInfo);
    PublicKey key;
    try {
      key = new JcaPEMKeyConverter().getPublicKey(keyInfo);
    } catch (IOException e) {
      throw new CsrRejectedException(Reason.MALFORMED, "CSR public key is malformed");
    }
    if (key instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      if (bits < MIN_RSA_BITS) {
        throw new CsrRejectedException(Reason.WEAK_KEY,
            "RSA key of " + bits + " bits; at least " + MIN_RSA_BITS + " are required");
      }
      if (bits > MAX_RSA_BITS) {
        throw new CsrRejectedException(Reason.UNSUPPORTED_KEY,
            "RSA key of " + bits + " bits; at most " + MAX_RSA_BITS + " are accepted");
      }
    }
    verifySignature(csr, key);
    return key;
  }

  /**
   * Proof of possession, checked with the JDK directly: BouncyCastle's content verifier checks
   * an ECDSA signature twice (see docs/benchmarks.md), and this is the hot path of signing.
   */
  private static void verifySignature(PKCS10CertificationRequest csr, PublicKey key)
      throws CsrRejectedException {
    String algorithm = SIGNATURE_ALGORITHMS.get(csr.getSignatureAlgorithm().getAlgorithm());
    if (algorithm == null) {
      throw new CsrRejectedException(Reason.BAD_SIGNATURE, "unsupported CSR signature algorithm "
          + csr.getSignatureAlgorithm().getAlgorithm() + "; sign with SHA-256/384/512");
    }
    try {
      Signature signature = Signature.getInstance(algorithm);
      signature.initVerify(key);
      signature.update(csr.toASN1Structure().getCertificationRequestInfo().getEncoded());
      if (!signature.verify(csr.getSignature())) {
        throw new CsrRejectedException(Reason.BAD_SIGNATURE,
            "CSR signature does not verify with its own public key");
      }
    } catch (GeneralSecurityException | IOException e) {
      throw new CsrRejectedException(Reason.BAD_SIGNATURE,
          "CSR signature cannot be checked: " + e.getMessage());
    }
  }

  private static PKCS10CertificationRequest parse(String pem) throws CsrRejectedException {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      if (parser.readObject() instanceof PKCS10CertificationRequest csr) {
        return csr;
      }
    } catch (IOException | RuntimeException e) {
      // fall through: malformed
    }
    throw new CsrRejectedException(Reason.MALFORMED,
        "not a PEM certificate signing request (-----BEGIN CERTIFICATE REQUEST-----)");
  }

  private static void checkKeyType(SubjectPublicKeyInfo keyInfo) throws CsrRejectedException {
    ASN1ObjectIdentifier algorithm = keyInfo.getAlgorithm().getAlgorithm();
    if (algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      var parameters = keyInfo.getAlgorithm().getParameters();
      if (!(parameters instanceof ASN1ObjectIdentifier curve) || !CURVES.containsKey(curve)) {
        throw new CsrRejectedException(Reason.UNSUPPORTED_KEY,
            "EC key on an unsupported curve; use P-256 (or P-384)");
      }
    } else if (!algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)) {
      throw new CsrRejectedException(Reason.UNSUPPORTED_KEY,
          "unsupported key algorithm " + algorithm + "; use ECDSA P-256 or RSA >= 2048");
    }
  }
}
