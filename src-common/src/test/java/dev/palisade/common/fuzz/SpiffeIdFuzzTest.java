package dev.palisade.common.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.palisade.common.spiffe.InvalidSpiffeIdException;
import dev.palisade.common.spiffe.SpiffeId;
import java.nio.charset.StandardCharsets;

/** Peers' URI SANs and policy rules reach this parser: it accepts a canonical ID or refuses. */
class SpiffeIdFuzzTest {

  @FuzzTest
  void parsesOrRefusesWithItsOwnException(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    SpiffeId id;
    try {
      id = SpiffeId.parse(text);
    } catch (InvalidSpiffeIdException refused) {
      return;
    }
    assertThat(id.toString()).isEqualTo(text);
    assertThat(SpiffeId.parse(id.toString())).isEqualTo(id);
  }
}
