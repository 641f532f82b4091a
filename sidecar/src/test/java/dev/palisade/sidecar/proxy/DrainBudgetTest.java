package dev.palisade.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DrainBudgetTest {

  @ParameterizedTest(name = "grace {0}s -> drain {1}ms")
  @CsvSource({
      "30, 28000",   // the Kubernetes default: grace less the 2 s margin
      "10, 8000",
      "3, 1000",
      "2, 1000",     // no more than the margin: half of it
      "1, 500",
      "0, 0",        // no grace at all: close at once
      "32, 30000",   // the cap
      "3600, 30000",
  })
  void theDrainFitsInsideTheGracePeriod(long graceSeconds, long drainMillis) {
    Duration drain = DrainBudget.drainTimeout(null, graceSeconds);
    assertThat(drain).isEqualTo(Duration.ofMillis(drainMillis))
        .isLessThanOrEqualTo(Duration.ofSeconds(graceSeconds));
  }

  @ParameterizedTest
  @CsvSource({"30", "1"})
  void anExplicitDrainTimeoutWins(long graceSeconds) {
    assertThat(DrainBudget.drainTimeout(Duration.ofSeconds(45), graceSeconds))
        .isEqualTo(Duration.ofSeconds(45));
  }

  @ParameterizedTest
  @CsvSource({"-1"})
  void aNegativeGracePeriodIsRefused(long graceSeconds) {
    assertThatThrownBy(() -> DrainBudget.drainTimeout(null, graceSeconds))
        .hasMessageContaining("negative");
  }
}
