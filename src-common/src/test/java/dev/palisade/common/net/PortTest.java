package dev.palisade.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PortTest {

  @ParameterizedTest
  @ValueSource(strings = {"1", "80", "15006", "65535"})
  void portsFrom1To65535(String text) {
    assertThat(Port.parse(text).value()).isEqualTo(Integer.parseInt(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "65536", "-1", "+80", " 80", "0x50", "", "eighty", "100000"})
  void anythingElseIsRefusedSayingWhatAPortIs(String text) {
    assertThatThrownBy(() -> Port.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'" + text + "' is not a port (1..65535)");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 65536})
  void outOfRangeNumbersAreRefused(int value) {
    assertThatThrownBy(() -> Port.of(value)).hasMessage("'" + value + "' is not a port (1..65535)");
  }
}
