package dev.palisade.sidecar.proxy;

import dev.palisade.sidecar.tls.HandshakeFailure;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First in every accepted connection's pipeline: one clock for everything before admission
 * (protocol detection, TLS handshake, identity and policy checks), so a peer that connects and
 * stalls is closed and counted {@code handshake_timeout}. On admission it gives way to an
 * {@link IdleTimeout} for the established connection ({@link #admitted}).
 */
final class AdmissionDeadline extends ChannelInboundHandlerAdapter {

  static final String NAME = "deadline";
  static final String IDLE = "idle";

  private static final Logger LOG = LoggerFactory.getLogger(AdmissionDeadline.class);

  private final Duration timeout;
  private final AdmissionRecord record;
  private ScheduledFuture<?> expiry;

  AdmissionDeadline(Duration timeout, AdmissionRecord record) {
    this.timeout = timeout;
    this.record = record;
  }

  /** Swaps the deadline for the idle timeout of an established connection. */
  static void admitted(ChannelHandlerContext anyHandler, Duration idleTimeout) {
    var pipeline = anyHandler.pipeline();
    if (pipeline.get(NAME) != null) {
      pipeline.replace(NAME, IDLE,
          new IdleTimeout(idleTimeout));
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      schedule(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    schedule(ctx);
    ctx.fireChannelActive();
  }

  private void schedule(ChannelHandlerContext ctx) {
    if (expiry == null) {
      expiry = ctx.executor().schedule(() -> expire(ctx), timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void expire(ChannelHandlerContext ctx) {
    if (ctx.isRemoved()) {
      return;
    }
    if (record.failed(HandshakeFailure.HANDSHAKE_TIMEOUT)) {
      LOG.info("{} {}: not admitted within {}; closing", record.direction().label(),
          ctx.channel().remoteAddress(), timeout);
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  private void cancel() {
    if (expiry != null) {
      expiry.cancel(false);
    }
  }
}
