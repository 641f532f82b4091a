package dev.palisade.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LongPollLimitsTest {

  private static final long MIB = 1024 * 1024;

  @Test
  void theTotalIsSizedFromTheHeap() {
    // The chart's 1Gi limit gives a heap of about 614 MiB: half of it at 16 KiB a poll.
    assertThat(LongPollLimits.forHeap(614 * MIB).total()).isEqualTo(19648);
    assertThat(LongPollLimits.forHeap(4096 * MIB).total()).isEqualTo(131072);
    assertThat(LongPollLimits.forHeap(16 * MIB).total()).as("floor").isEqualTo(1000);
    assertThat(LongPollLimits.forHeap(1024L * 1024 * MIB).total()).as("ceiling").isEqualTo(200_000);
    assertThat(LongPollLimits.forThisJvm().total())
        .isEqualTo(LongPollLimits.forHeap(Runtime.getRuntime().maxMemory()).total());
  }

  @Test
  void oneIdentityAndOneSourceGetAShare() {
    LongPollLimits limits = LongPollLimits.of(4608);
    assertThat(limits.perIdentity()).isEqualTo(1152);
    assertThat(limits.perSource()).isEqualTo(288);
  }

  @Test
  void heldPollsAreCappedPerIdentityAndPerSourceAndReleased() {
    HeldPolls held = new HeldPolls(new LongPollLimits(100, 2, 3));
    InetSocketAddress a = new InetSocketAddress("10.0.0.1", 1);
    InetSocketAddress b = new InetSocketAddress("10.0.0.2", 1);

    Optional<Runnable> first = held.tryHold("spiffe://td/ns/x/sa/web", a);
    assertThat(first).isPresent();
    assertThat(held.tryHold("spiffe://td/ns/x/sa/web", b)).isPresent();
    assertThat(held.tryHold("spiffe://td/ns/x/sa/web", b)).as("identity's share").isEmpty();
    assertThat(held.tryHold("spiffe://td/ns/x/sa/db", a)).isPresent();
    assertThat(held.tryHold("spiffe://td/ns/x/sa/api", a)).isPresent();
    assertThat(held.tryHold("spiffe://td/ns/x/sa/cache", a)).as("source's share").isEmpty();
    assertThat(held.heldBy("spiffe://td/ns/x/sa/cache")).as("refused: nothing kept").isZero();

    first.get().run();
    assertThat(held.tryHold("spiffe://td/ns/x/sa/web", b)).isPresent();
  }
}
