package dev.palisade.common.pki;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/** Checks on key pairs that come from outside, such as an imported root's Secret. */
public final class KeyPairs {
  private KeyPairs() {}

  /** Whether {@code privateKey} is the private half of {@code publicKey}: sign, then verify. */
  public static boolean matches(PublicKey publicKey, PrivateKey privateKey) {
    if (!publicKey.getAlgorithm().equals(privateKey.getAlgorithm())) {
      return false;
    }
    try {
      byte[] challenge = "palisade key-pair check".getBytes(StandardCharsets.US_ASCII);
      String algorithm = KeyType.signatureAlgorithmFor(publicKey);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }
}
