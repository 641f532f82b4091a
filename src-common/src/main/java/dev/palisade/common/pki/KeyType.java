package dev.palisade.common.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;

/** The key types Palisade generates, and the signature algorithm each signs with. */
public enum KeyType {
  ECDSA_P256("SHA256withECDSA"),
  RSA_3072("SHA256withRSA");

  private final String signatureAlgorithm;

  KeyType(String signatureAlgorithm) {
    this.signatureAlgorithm = signatureAlgorithm;
  }

  public String signatureAlgorithm() {
    return signatureAlgorithm;
  }

  public KeyPair generate() {
    try {
      KeyPairGenerator generator;
      if (this == ECDSA_P256) {
        generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
      } else {
        generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(3072);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate " + this + " keys", e);
    }
  }

  /** The signature algorithm for a key that may have been imported (any RSA or EC size). */
  public static String signatureAlgorithmFor(PublicKey key) {
    return switch (key) {
      case ECPublicKey ec when ec.getParams().getCurve().getField().getFieldSize() > 256 ->
          "SHA384withECDSA";
      case ECPublicKey ec -> "SHA256withECDSA";
      case RSAPublicKey rsa -> "SHA256withRSA";
      default -> throw new IllegalArgumentException("unsupported key type " + key.getAlgorithm());
    };
  }
}
