package dev.palisade.common.pki;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an unencrypted private key from PEM with the JDK alone: PKCS#8 ("PRIVATE KEY"), and the
 * traditional forms OpenSSL writes, SEC1 ("EC PRIVATE KEY") and PKCS#1 ("RSA PRIVATE KEY"), which
 * are wrapped as PKCS#8 for the JDK's KeyFactory. The proxy reads its key file with this, so its
 * runtime loads no signed BouncyCastle jar.
 */
final class PrivateKeys {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);
  private static final List<String> ALGORITHMS = List.of("EC", "RSA", "Ed25519", "Ed448");
  private static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1";
  private static final String RSA_ENCRYPTION = "1.2.840.113549.1.1.1";

  private PrivateKeys() {}

  /** Throws IllegalArgumentException, saying why, for anything else. */
  static PrivateKey parse(String pem) {
    Matcher block = BLOCK.matcher(pem);
    while (block.find()) {
      String type = block.group(1);
      if (type.equals("EC PARAMETERS")) {
        continue; // `openssl ecparam -genkey` writes the curve before the key
      }
      String body = block.group(2);
      if (type.equals("ENCRYPTED PRIVATE KEY") || body.contains("ENCRYPTED")) {
        throw new IllegalArgumentException("not an unencrypted private key: " + type);
      }
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(body.strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not a PEM private key: bad base64 in " + type, e);
      }
      try {
        return switch (type) {
          case "PRIVATE KEY" -> pkcs8(der);
          case "EC PRIVATE KEY" -> pkcs8(wrap(ecAlgorithm(der), der));
          case "RSA PRIVATE KEY" -> pkcs8(wrap(Der.sequence(Der.oid(RSA_ENCRYPTION),
              Der.element(Der.NULL)), der));
          default -> throw new IllegalArgumentException("not an unencrypted private key: " + type);
        };
      } catch (RuntimeException e) {
        throw e instanceof IllegalArgumentException iae ? iae
            : new IllegalArgumentException("not a PEM private key: " + e, e);
      }
    }
    throw new IllegalArgumentException("no PEM private key found");
  }

  private static PrivateKey pkcs8(byte[] der) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm: try the next
      }
    }
    throw new IllegalArgumentException("not a PEM private key: unreadable PKCS#8");
  }

  /** PrivateKeyInfo: version 0, the algorithm, the traditional key as an OCTET STRING. */
  private static byte[] wrap(byte[] algorithm, byte[] key) {
    return Der.sequence(Der.smallInteger(0), algorithm, Der.element(Der.OCTET_STRING, key));
  }

  /**
   * SEC1 ECPrivateKey names its curve in [0] parameters (OpenSSL always writes them); PKCS#8 wants
   * it in the algorithm. Without them, the private key's length tells the NIST curve.
   */
  private static byte[] ecAlgorithm(byte[] sec1) {
    List<byte[]> children = Der.children(sec1);
    for (byte[] child : children) {
      if ((child[0] & 0xff) == 0xa0) {
        byte[] curve = Der.content(child);
        if (curve.length == 0 || curve[0] != Der.OID) {
          break;
        }
        return Der.sequence(Der.oid(EC_PUBLIC_KEY), curve);
      }
    }
    int length = children.size() > 1 && children.get(1)[0] == Der.OCTET_STRING
        ? Der.content(children.get(1)).length : -1;
    String curve = switch (length) {
      case 32 -> "1.2.840.10045.3.1.7"; // P-256
      case 48 -> "1.3.132.0.34"; // P-384
      case 66 -> "1.3.132.0.35"; // P-521
      default -> throw new IllegalArgumentException(
          "not a PEM private key: an EC key without its named curve");
    };
    return Der.sequence(Der.oid(EC_PUBLIC_KEY), Der.oid(curve));
  }
}
