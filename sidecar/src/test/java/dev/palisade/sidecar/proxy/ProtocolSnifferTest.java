package dev.palisade.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.sidecar.proxy.ProtocolSniffer.Detected;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Pure handler logic: what the first bytes say, and that none of them are lost. */
class ProtocolSnifferTest {

  private final List<Object> events = new ArrayList<>();

  @Test
  void aTlsRecordHeaderIsTls() {
    EmbeddedChannel channel = channel(null);
    channel.writeInbound(bytes(0x16, 0x03, 0x01, 0x02, 0x00));
    assertThat(events).containsExactly(Detected.TLS);
    assertForwarded(channel, bytes(0x16, 0x03, 0x01, 0x02, 0x00));
    assertThat(channel.pipeline().get(ProtocolSniffer.class)).as("left the pipeline").isNull();
    channel.finishAndReleaseAll();
  }

  @Test
  void oneByteAtATimeWaitsForTheSecond() {
    EmbeddedChannel channel = channel(null);
    channel.writeInbound(bytes(0x16));
    assertThat(events).isEmpty();
    channel.writeInbound(bytes(0x03, 0x03));
    assertThat(events).containsExactly(Detected.TLS);
    assertForwarded(channel, bytes(0x16, 0x03, 0x03));
    channel.finishAndReleaseAll();
  }

  @Test
  void anythingElseIsPlaintext() {
    for (ByteBuf first : List.of(text("GET / HTTP/1.1\r\n"), bytes(0x16, 0x47), bytes(0x00))) {
      events.clear();
      EmbeddedChannel channel = channel(null);
      ByteBuf expected = first.copy();
      channel.writeInbound(first);
      assertThat(events).containsExactly(Detected.PLAINTEXT);
      assertForwarded(channel, expected);
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void aLoneHandshakeByteThenEndOfInputIsPlaintext() {
    EmbeddedChannel channel = channel(null);
    channel.writeInbound(bytes(0x16));
    channel.pipeline().fireUserEventTriggered(
        io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
    assertThat(events).containsExactly(Detected.PLAINTEXT);
    assertForwarded(channel, bytes(0x16));
    channel.finishAndReleaseAll();
  }

  @Test
  void silenceIsPlaintextWhenADelayIsGivenAndWaitsOtherwise() {
    EmbeddedChannel permissive = channel(Duration.ofMillis(500));
    permissive.advanceTimeBy(499, TimeUnit.MILLISECONDS);
    permissive.runScheduledPendingTasks();
    assertThat(events).isEmpty();
    permissive.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    permissive.runScheduledPendingTasks();
    assertThat(events).containsExactly(Detected.PLAINTEXT);
    permissive.finishAndReleaseAll();

    events.clear();
    EmbeddedChannel strict = channel(null);
    strict.advanceTimeBy(1, TimeUnit.HOURS);
    strict.runScheduledPendingTasks();
    assertThat(events).isEmpty();
    strict.finishAndReleaseAll();
  }

  private EmbeddedChannel channel(Duration plaintextAfter) {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.freezeTime(); // only advanceTimeBy moves the clock
    channel.pipeline().addLast(new ProtocolSniffer(plaintextAfter),
        new ChannelInboundHandlerAdapter() {
          @Override
          public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Detected) {
              events.add(evt);
            }
          }
        });
    return channel;
  }

  /** The bytes the sniffer looked at reach the next handler, in order, exactly once. */
  private static void assertForwarded(EmbeddedChannel channel, ByteBuf expected) {
    ByteBuf all = Unpooled.buffer();
    ByteBuf next;
    while ((next = channel.readInbound()) != null) {
      all.writeBytes(next);
      next.release();
    }
    assertThat(ByteBufUtilHex.of(all)).isEqualTo(ByteBufUtilHex.of(expected));
    all.release();
    expected.release();
  }

  private static ByteBuf bytes(int... values) {
    ByteBuf buf = Unpooled.buffer(values.length);
    for (int value : values) {
      buf.writeByte(value);
    }
    return buf;
  }

  private static ByteBuf text(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  private static final class ByteBufUtilHex {
    static String of(ByteBuf buf) {
      return io.netty.buffer.ByteBufUtil.hexDump(buf);
    }
  }
}
