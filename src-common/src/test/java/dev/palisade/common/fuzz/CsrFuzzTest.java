package dev.palisade.common.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.palisade.common.pki.CsrRejectedException;
import dev.palisade.common.pki.CsrVerifier;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;

/**
 * What any pod can send to /v1/certificates before it is trusted: a CSR is accepted with a key
 * Palisade signs for, or rejected with a reason (a 400 to the caller), never another exception.
 */
class CsrFuzzTest {

  @FuzzTest
  void verifiesOrRejectsWithAReason(byte[] input) {
    String pem = new String(input, StandardCharsets.ISO_8859_1);
    try {
      var key = CsrVerifier.verify(pem);
      assertThat(key).isInstanceOfAny(ECPublicKey.class, RSAPublicKey.class);
    } catch (CsrRejectedException rejected) {
      assertThat(rejected.reason()).isNotNull();
      assertThat(rejected.getMessage()).isNotBlank();
    }
  }
}
