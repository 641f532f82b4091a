package dev.palisade.common.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.common.pki.CsrRejectedException.Reason;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;

class CsrVerifierTest {

  @Test
  void returnsTheKeyOfAWellFormedEcdsaRequest() throws Exception {
    KeyPair keys = KeyType.ECDSA_P256.generate();
    assertThat(CsrVerifier.verify(Csrs.create(keys))).isEqualTo(keys.getPublic());
  }

  @Test
  void theJdkBuiltRequestParsesAsPkcs10WithItsSubjectAndSignature() throws Exception {
    KeyPair keys = KeyType.ECDSA_P256.generate();
    String pem = Csrs.create(keys);
    var csr = new org.bouncycastle.pkcs.PKCS10CertificationRequest(java.util.Base64.getMimeDecoder()
        .decode(pem.replaceAll("-----[A-Z ]+-----", "")));
    assertThat(csr.getSubject().toString()).isEqualTo("CN=palisade-workload");
    assertThat(csr.getSignatureAlgorithm().getAlgorithm().getId()).isEqualTo("1.2.840.10045.4.3.2");
    assertThat(csr.getAttributes()).isEmpty();
    assertThat(csr.isSignatureValid(new org.bouncycastle.operator.jcajce
        .JcaContentVerifierProviderBuilder().build(keys.getPublic()))).isTrue();
  }

  @Test
  void acceptsRsa3072() throws Exception {
    KeyPair keys = KeyType.RSA_3072.generate();
    assertThat(CsrVerifier.verify(Csrs.create(keys))).isEqualTo(keys.getPublic());
  }

  @Test
  void rejectsWeakRsaKeys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(1024);
    assertRejected(Csrs.create(generator.generateKeyPair()), Reason.WEAK_KEY, "1024 bits");
  }

  @Test
  void rejectsUnknownCurves() throws Exception {
    // secp256k1 is not a TLS curve; the JDK dropped it, BouncyCastle still makes it.
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", new BouncyCastleProvider());
    generator.initialize(new ECGenParameterSpec("secp256k1"));
    KeyPair keys = generator.generateKeyPair();
    var csr = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
        new org.bouncycastle.asn1.x500.X500Name("CN=k1"), keys.getPublic())
        .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
            .setProvider(new BouncyCastleProvider()).build(keys.getPrivate()));
    assertRejected(Pem.csr(csr), Reason.UNSUPPORTED_KEY, "unsupported curve");
  }

  @Test
  void rejectsARequestWhoseSignatureIsNotFromItsKey() throws Exception {
    String good = Csrs.create(KeyType.ECDSA_P256.generate());
    byte[] der = java.util.Base64.getMimeDecoder().decode(good.replaceAll("-----[A-Z ]+-----", ""));
    der[der.length - 5] ^= 0x01; // flip a bit inside the signature
    String forged = "-----BEGIN CERTIFICATE REQUEST-----\n"
        + java.util.Base64.getMimeEncoder().encodeToString(der)
        + "\n-----END CERTIFICATE REQUEST-----\n";
    assertRejected(forged, Reason.BAD_SIGNATURE, "does not verify");
  }

  @Test
  void rejectsGarbageAndEmptyAndOversizedInput() {
    assertRejected("hello", Reason.MALFORMED, "not a PEM certificate signing request");
    assertRejected("", Reason.MALFORMED, "carries no CSR");
    assertRejected(Pem.certificate(X509ProfilesTest.issuer().certificate()), Reason.MALFORMED,
        "not a PEM certificate signing request");
    assertRejected("x".repeat(CsrVerifier.MAX_PEM_CHARS + 1), Reason.TOO_LARGE, "larger than");
  }

  private static void assertRejected(String pem, Reason reason, String message) {
    assertThatThrownBy(() -> CsrVerifier.verify(pem))
        .isInstanceOfSatisfying(CsrRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageContaining(message);
  }
}
