package dev.palisade.common.pki;

import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Creates the signers certificates are signed with. By default signatures use the JDK's
 * providers (SunEC, SunRsaSign). bench/ measured BouncyCastle against SunEC: with our
 * JDK-generated keys it was slower on the CA's path, because it converts the key on every
 * initSign (docs/benchmarks.md).
 */
final class Signers {
  private Signers() {}

  static ContentSigner contentSigner(PrivateKey key, PublicKey publicKeyOfSigner)
      throws OperatorCreationException {
    return contentSigner(key, publicKeyOfSigner, null);
  }

  /** {@code provider} null means the JDK's providers, in their preference order. */
  static ContentSigner contentSigner(PrivateKey key, PublicKey publicKeyOfSigner,
      Provider provider) throws OperatorCreationException {
    var builder = new JcaContentSignerBuilder(KeyType.signatureAlgorithmFor(publicKeyOfSigner));
    if (provider != null) {
      builder.setProvider(provider);
    }
    return builder.build(key);
  }
}
