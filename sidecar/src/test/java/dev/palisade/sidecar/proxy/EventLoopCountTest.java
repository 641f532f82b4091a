package dev.palisade.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventLoopCountTest {

  @ParameterizedTest(name = "asked {0}, request {1}m, {2} CPUs -> {3}")
  @CsvSource(nullValues = "-", value = {
      "0, 100, 64, 1",     // the chart's 100m on a large node: one loop, not 64
      "0, 1000, 64, 1",
      "0, 1500, 64, 2",
      "0, 8000, 4, 4",     // never more than the JVM can use
      "0, -, 8, 8",        // no request known: one per CPU
      "0, 0, 8, 8",        // the downward API's 0 for no request
      "3, 100, 64, 3",     // --worker-threads wins
  })
  void loopsFollowTheRequestNotTheNode(int asked, Integer request, int processors,
      int expected) {
    assertThat(EventLoopCount.of(asked, request, processors)).isEqualTo(expected);
  }
}
