package dev.palisade.common.pki;

import java.security.PrivateKey;
import java.security.PublicKey;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Creates the signers certificates are signed with. Signatures use the JDK's providers (SunEC,
 * SunRsaSign): bench/ measures them against BouncyCastle's, see docs/benchmarks.md.
 */
final class Signers {
  private Signers() {}

  static ContentSigner contentSigner(PrivateKey key, PublicKey publicKeyOfSigner)
      throws OperatorCreationException {
    return new JcaContentSignerBuilder(KeyType.signatureAlgorithmFor(publicKeyOfSigner))
        .build(key);
  }
}
