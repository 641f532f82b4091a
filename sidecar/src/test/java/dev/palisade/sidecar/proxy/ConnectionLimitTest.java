package dev.palisade.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The connection budget a memory limit leaves (docs/benchmarks.md has the measurements). */
class ConnectionLimitTest {

  private static final long MIB = 1024 * 1024;

  @Test
  void aMemoryLimitLeavesRoomForItsBaseThenThirtyTwoKibibytesAConnection() {
    assertThat(ConnectionLimit.forMemoryLimit(OptionalLong.of(192 * MIB))).isEqualTo(4096);
    assertThat(ConnectionLimit.forMemoryLimit(OptionalLong.of(1024 * MIB))).isEqualTo(30720);
  }

  @Test
  void aSmallLimitStillTakesTheMinimum() {
    assertThat(ConnectionLimit.forMemoryLimit(OptionalLong.of(128 * MIB)))
        .isEqualTo(2048); // (128 - 64) MiB / 32 KiB
    assertThat(ConnectionLimit.forMemoryLimit(OptionalLong.of(70 * MIB)))
        .isEqualTo(ConnectionLimit.MINIMUM);
  }

  @Test
  void noLimitOrAnEffectivelyUnlimitedOneMeansNoCap() {
    assertThat(ConnectionLimit.forMemoryLimit(OptionalLong.empty())).isZero();
    assertThat(ConnectionLimit.forMemoryLimit(OptionalLong.of(9223372036854771712L))).isZero();
  }
}
