package dev.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.common.pki.KeyType;
import dev.palisade.common.pki.Pem;
import org.junit.jupiter.api.Test;

class KubeOptionsTest {

  @Test
  void aClientKeyIsReadWithItsOwnAlgorithm() {
    // fabric8 would read a PKCS#8 EC key as RSA ("Invalid DER: object is not integer").
    assertThat(KubeOptions.keyAlgorithm(Pem.privateKey(KeyType.ECDSA_P256.generate()
        .getPrivate()))).isEqualTo("EC");
    assertThat(KubeOptions.keyAlgorithm(Pem.privateKey(KeyType.RSA_3072.generate()
        .getPrivate()))).isEqualTo("RSA");
  }
}
