package dev.palisade.sidecar.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The safety net itself: a buffer that is never released is reported and recorded. */
class LeakRecorderTest {

  @Test
  void anUnreleasedBufferIsRecorded() {
    leakOneBuffer();
    List<String> leaks = new ArrayList<>();
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      leaks.addAll(LeakCheckExtension.collectAndReport());
      return !leaks.isEmpty();
    });
    assertThat(leaks).anySatisfy(leak -> assertThat(leak)
        .contains("LEAK: ByteBuf").contains("leakOneBuffer"));
  }

  private static void leakOneBuffer() {
    ByteBufAllocator.DEFAULT.directBuffer(64).writeLong(42); // deliberately never released
  }
}
