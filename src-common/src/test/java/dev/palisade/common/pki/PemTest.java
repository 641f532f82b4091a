package dev.palisade.common.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;

class PemTest {

  @Test
  void certificatesRoundTripInOrder() {
    Issuer issuer = X509ProfilesTest.issuer();
    var chain = List.of(issuer.certificate(), issuer.root());
    assertThat(Pem.parseCertificates(Pem.certificates(chain))).containsExactlyElementsOf(chain);
  }

  @Test
  void privateKeysAreWrittenAsPkcs8AndReadBack() {
    KeyPair keys = KeyType.ECDSA_P256.generate();
    String pem = Pem.privateKey(keys.getPrivate());
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Pem.parsePrivateKey(pem)).isEqualTo(keys.getPrivate());
  }

  @Test
  void readsTheTraditionalOpensslKeyFormatToo() throws Exception {
    KeyPair keys = KeyType.RSA_3072.generate();
    var out = new java.io.StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(keys); // "BEGIN RSA PRIVATE KEY"
    }
    assertThat(out.toString()).contains("BEGIN RSA PRIVATE KEY");
    assertThat(KeyPairs.matches(keys.getPublic(), Pem.parsePrivateKey(out.toString()))).isTrue();
  }

  @Test
  void readsTraditionalEcKeysWithOrWithoutTheirParametersBlock() throws Exception {
    KeyPair keys = KeyType.ECDSA_P256.generate();
    var out = new java.io.StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(keys); // "BEGIN EC PRIVATE KEY", the curve named in [0]
    }
    assertThat(out.toString()).contains("BEGIN EC PRIVATE KEY");
    assertThat(KeyPairs.matches(keys.getPublic(), Pem.parsePrivateKey(out.toString()))).isTrue();
    // `openssl ecparam -genkey` writes the curve first
    String withParameters = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
        + out;
    assertThat(KeyPairs.matches(keys.getPublic(), Pem.parsePrivateKey(withParameters))).isTrue();
  }

  @Test
  void refusesEncryptedAndTruncatedKeys() {
    assertThatThrownBy(() -> Pem.parsePrivateKey(
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an unencrypted");
    String pkcs8 = Pem.privateKey(KeyType.ECDSA_P256.generate().getPrivate());
    String truncated = pkcs8.replaceAll("(?s)(-----BEGIN PRIVATE KEY-----\n.{20}).*?(\n-----END)", "$1$2");
    assertThatThrownBy(() -> Pem.parsePrivateKey(truncated))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a PEM private key");
    String sec1Truncated = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI\n-----END EC PRIVATE KEY-----\n";
    assertThatThrownBy(() -> Pem.parsePrivateKey(sec1Truncated))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void saysWhatIsWrongWithBadInput() {
    assertThatThrownBy(() -> Pem.parseCertificates("nope")).hasMessageContaining("not a PEM certificate");
    assertThatThrownBy(() -> Pem.parsePrivateKey("nope")).hasMessageContaining("no PEM private key");
  }

  @Test
  void keyPairCheckTellsMatchingFromMismatchedKeys() {
    KeyPair a = KeyType.ECDSA_P256.generate();
    KeyPair b = KeyType.ECDSA_P256.generate();
    assertThat(KeyPairs.matches(a.getPublic(), a.getPrivate())).isTrue();
    assertThat(KeyPairs.matches(a.getPublic(), b.getPrivate())).isFalse();
    assertThat(KeyPairs.matches(a.getPublic(), KeyType.RSA_3072.generate().getPrivate())).isFalse();
  }
}
