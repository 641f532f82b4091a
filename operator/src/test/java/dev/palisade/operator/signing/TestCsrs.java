package dev.palisade.operator.signing;

import dev.palisade.common.pki.Csrs;
import dev.palisade.common.pki.Pem;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** CSRs a test sends: greedy ones, weak ones, odd ones. */
final class TestCsrs {
  private TestCsrs() {}

  /** A well-signed CSR whose subject and SAN request ask for {@code spiffeId} and a DNS name. */
  static String asking(KeyPair keys, String spiffeId) throws Exception {
    ExtensionsGenerator extensions = new ExtensionsGenerator();
    extensions.addExtension(Extension.subjectAlternativeName, true, new GeneralNames(
        new GeneralName[] {new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId),
            new GeneralName(GeneralName.dNSName, "kubernetes.default.svc")}));
    return Pem.csr(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + spiffeId),
        keys.getPublic())
        .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }

  static String rsa(int bits) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(bits);
    return Csrs.create(generator.generateKeyPair());
  }

  /** secp256k1: not a TLS curve; the JDK dropped it, BouncyCastle still makes it. */
  static String secp256k1() throws Exception {
    BouncyCastleProvider bc = new BouncyCastleProvider();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", bc);
    generator.initialize(new ECGenParameterSpec("secp256k1"));
    KeyPair keys = generator.generateKeyPair();
    return Pem.csr(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=k1"),
        keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(bc)
            .build(keys.getPrivate())));
  }
}
