package dev.palisade.common.pki;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Base64;

/**
 * Builds the CSR a workload sends: just its public key, signed to prove possession. PKCS#10
 * written with the JDK alone (no BouncyCastle), so the proxy's runtime loads no signed jar; the
 * operator parses it with {@link CsrVerifier}.
 */
public final class Csrs {
  private static final byte[] SUBJECT = Der.sequence(Der.element(Der.SET,
      Der.sequence(Der.oid("2.5.4.3"), Der.utf8("palisade-workload")))); // CN=palisade-workload
  private static final byte[] NO_ATTRIBUTES = {(byte) 0xa0, 0}; // [0] IMPLICIT SET OF, empty

  private Csrs() {}

  /** A PEM CSR for {@code keys}; the CA takes the identity from the caller's token, not from here. */
  public static String create(KeyPair keys) {
    String algorithm = KeyType.signatureAlgorithmFor(keys.getPublic());
    byte[] info = Der.sequence(Der.smallInteger(0), SUBJECT, keys.getPublic().getEncoded(),
        NO_ATTRIBUTES);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(keys.getPrivate());
      signer.update(info);
      byte[] request = Der.sequence(info, algorithmIdentifier(algorithm),
          Der.bitString(signer.sign()));
      return "-----BEGIN CERTIFICATE REQUEST-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(request)
          + "\n-----END CERTIFICATE REQUEST-----\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not sign CSR: " + e.getMessage(), e);
    }
  }

  private static byte[] algorithmIdentifier(String signatureAlgorithm) {
    return switch (signatureAlgorithm) {
      case "SHA256withECDSA" -> Der.sequence(Der.oid("1.2.840.10045.4.3.2"));
      case "SHA384withECDSA" -> Der.sequence(Der.oid("1.2.840.10045.4.3.3"));
      case "SHA256withRSA" -> Der.sequence(Der.oid("1.2.840.113549.1.1.11"),
          Der.element(Der.NULL));
      default -> throw new IllegalArgumentException("no OID for " + signatureAlgorithm);
    };
  }
}
