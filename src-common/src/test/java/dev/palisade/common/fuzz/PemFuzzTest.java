package dev.palisade.common.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.palisade.common.pki.Pem;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Certificate and key files (mounted Secrets, imported roots) are parsed here: anything gives a
 * result or an IllegalArgumentException the caller reports, never another exception. The first
 * byte picks the parser.
 */
class PemFuzzTest {

  @FuzzTest
  void parsesOrRefusesWithIllegalArgument(byte[] input) {
    if (input.length == 0) {
      return;
    }
    String text = new String(Arrays.copyOfRange(input, 1, input.length),
        StandardCharsets.ISO_8859_1);
    try {
      if ((input[0] & 1) == 0) {
        assertThat(Pem.parseCertificates(text)).isNotEmpty().doesNotContainNull();
      } else {
        assertThat(Pem.parsePrivateKey(text)).isNotNull();
      }
    } catch (IllegalArgumentException refused) {
      // what a caller reports as "not a PEM certificate/key"
    }
  }
}
