package dev.palisade.sidecar.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an established connection once no bytes have moved either way for the idle timeout.
 * Netty's IdleStateHandler would do it for the pipeline, but bytes relayed by {@link DirectRelay}
 * never pass through the pipeline, so the relay reports them here ({@link #activity}). One timer
 * per connection, re-armed for the time left when it finds recent activity.
 */
final class IdleTimeout extends ChannelDuplexHandler {

  private static final Logger LOG = LoggerFactory.getLogger(IdleTimeout.class);

  private final long timeoutNanos;
  private long lastActivity = System.nanoTime();
  private ScheduledFuture<?> check;

  IdleTimeout(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  /** Bytes moved on this connection outside the pipeline. */
  void activity() {
    lastActivity = System.nanoTime();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      schedule(ctx, timeoutNanos);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (check == null) {
      schedule(ctx, timeoutNanos);
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    activity();
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    activity();
    ctx.write(msg, promise);
  }

  private void schedule(ChannelHandlerContext ctx, long delayNanos) {
    check = ctx.executor().schedule(() -> expireOrWait(ctx), delayNanos, TimeUnit.NANOSECONDS);
  }

  private void expireOrWait(ChannelHandlerContext ctx) {
    if (ctx.isRemoved() || !ctx.channel().isOpen()) {
      return;
    }
    long left = timeoutNanos - (System.nanoTime() - lastActivity);
    if (left > 0) {
      schedule(ctx, left);
    } else {
      LOG.debug("closing idle connection {}", ctx.channel());
      ctx.channel().close();
    }
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
    if (check != null) {
      check.cancel(false);
    }
  }
}
