package dev.palisade.sidecar.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Tells a TLS client from a plaintext one by the first bytes: a TLS record starts with content
 * type handshake (0x16) and major version 3. Fires {@link Detected} and leaves the pipeline,
 * handing on the bytes it looked at (to the TLS handler the admission installs for
 * {@link Detected#TLS}).
 *
 * <p>With a {@code plaintextAfter} delay (PERMISSIVE ports) a client that sends nothing is
 * taken for plaintext once it elapses: server-speaks-first protocols (MySQL, SMTP) wait for the
 * server, and a TLS client always speaks first.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {

  static final String NAME = "detect";

  /** The outcome, as a user event. */
  enum Detected { TLS, PLAINTEXT }

  private static final byte TLS_HANDSHAKE = 0x16;
  private static final byte TLS_MAJOR_VERSION = 0x03;

  private final Duration plaintextAfter;
  private ScheduledFuture<?> silenceTimer;
  private boolean detected;

  /** @param plaintextAfter silence after which the client is taken for plaintext; null: wait */
  ProtocolSniffer(Duration plaintextAfter) {
    this.plaintextAfter = plaintextAfter;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (plaintextAfter != null) {
      silenceTimer = ctx.executor().schedule(() -> {
        if (!ctx.isRemoved() && !detected) {
          detected(ctx, Detected.PLAINTEXT);
        }
      }, plaintextAfter.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (detected || !in.isReadable()) {
      return;
    }
    int start = in.readerIndex();
    if (in.getByte(start) != TLS_HANDSHAKE) {
      detected(ctx, Detected.PLAINTEXT);
    } else if (in.readableBytes() >= 2) {
      detected(ctx, in.getByte(start + 1) == TLS_MAJOR_VERSION ? Detected.TLS : Detected.PLAINTEXT);
    }
    // else: one byte so far; ByteToMessageDecoder asks for more (autoRead is off)
  }

  /** Input ended after a lone 0x16: whatever it is, it is not a TLS client. */
  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (!detected && in.isReadable()) {
      detected(ctx, Detected.PLAINTEXT);
    }
  }

  private void detected(ChannelHandlerContext ctx, Detected protocol) {
    detected = true;
    cancelTimer();
    ctx.fireUserEventTriggered(protocol);
    if (!ctx.isRemoved()) {
      ctx.pipeline().remove(this); // passes the bytes read so far to the next handler
    }
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    cancelTimer();
  }

  private void cancelTimer() {
    if (silenceTimer != null) {
      silenceTimer.cancel(false);
    }
  }
}
