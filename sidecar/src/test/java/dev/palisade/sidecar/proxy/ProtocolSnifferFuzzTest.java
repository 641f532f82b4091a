package dev.palisade.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The first bytes of every inbound connection, from anyone, meet the sniffer: however they are
 * split into reads, it decides once (TLS exactly when they start 0x16 0x03), hands every byte
 * on unchanged and in order, and leaks nothing.
 */
class ProtocolSnifferFuzzTest {

  @FuzzTest
  void decidesOnceAndPassesEveryByteOn(FuzzedDataProvider data) {
    boolean closeAtEnd = data.consumeBoolean();
    List<byte[]> reads = new ArrayList<>();
    for (int i = 0; i < 8 && data.remainingBytes() > 0; i++) {
      reads.add(data.consumeBytes(data.consumeInt(1, 64)));
    }
    Recorder recorder = new Recorder();
    EmbeddedChannel channel = new EmbeddedChannel(new ProtocolSniffer(null), recorder);
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    for (byte[] read : reads) {
      sent.writeBytes(read);
      channel.writeInbound(Unpooled.wrappedBuffer(read));
    }
    if (closeAtEnd) {
      channel.close();
    }
    channel.checkException();
    channel.finishAndReleaseAll();

    byte[] all = sent.toByteArray();
    assertThat(recorder.passedOn.toByteArray()).isEqualTo(all);
    assertThat(recorder.decisions).hasSizeLessThanOrEqualTo(1);
    if (all.length >= 2) {
      assertThat(recorder.decisions).containsExactly(all[0] == 0x16 && all[1] == 0x03
          ? ProtocolSniffer.Detected.TLS : ProtocolSniffer.Detected.PLAINTEXT);
    } else if (all.length == 1 && (all[0] != 0x16 || closeAtEnd)) {
      assertThat(recorder.decisions).containsExactly(ProtocolSniffer.Detected.PLAINTEXT);
    }
  }

  /** Stands where the admission handler sits: records the decision and the bytes it gets. */
  private static final class Recorder extends ChannelInboundHandlerAdapter {
    final List<Object> decisions = new ArrayList<>();
    final ByteArrayOutputStream passedOn = new ByteArrayOutputStream();

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof ProtocolSniffer.Detected detected) {
        decisions.add(detected);
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        passedOn.writeBytes(bytes);
      } finally {
        buf.release();
      }
    }
  }
}
