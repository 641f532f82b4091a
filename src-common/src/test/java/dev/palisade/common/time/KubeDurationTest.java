package dev.palisade.common.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KubeDurationTest {

  @ParameterizedTest
  @CsvSource({
      "24h, PT24H", "90m, PT1H30M", "1h30m, PT1H30M", "1.5h, PT1H30M",
      "500ms, PT0.5S", "8760h, PT8760H", "0s, PT0S", "2us, PT0.000002S", "3µs, PT0.000003S",
      "0.25s, PT0.25S", "1h0.5s, PT1H0.5S",
  })
  void parsesGoSyntax(String text, Duration expected) {
    assertThat(KubeDuration.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "24", "h", "-1h", "1d", "1 h", "P1D", "1h-30m", ".5h"})
  void rejectsEverythingElse(String text) {
    assertThatThrownBy(() -> KubeDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("such as 24h");
  }

  @ParameterizedTest
  @ValueSource(strings = {"2562048h", "9999999999999999999s", "1.5h2562047h"})
  void aDurationPastJavasRangeIsRefusedAsTooLong(String text) {
    assertThatThrownBy(() -> KubeDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too long");
  }
}
