package dev.palisade.common.pki;

import java.security.KeyPair;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Builds the CSR a workload sends: just its public key, signed to prove possession. */
public final class Csrs {
  private Csrs() {}

  /** A PEM CSR for {@code keys}; the CA takes the identity from the caller's token, not from here. */
  public static String create(KeyPair keys) {
    try {
      var builder = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=palisade-workload"),
          keys.getPublic());
      return Pem.csr(builder.build(new JcaContentSignerBuilder(
          KeyType.signatureAlgorithmFor(keys.getPublic())).build(keys.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("could not sign CSR: " + e.getMessage(), e);
    }
  }
}
