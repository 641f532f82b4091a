package dev.palisade.operator.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledFuture;

/**
 * Closes a connection that has no request in flight for {@code timeout}: from accept, and from
 * each response, the client has that long to deliver its next request in full. One timer so
 * covers a stalled TLS handshake, a slow sender (a request counts only once fully read) and an
 * idle keep-alive connection, while a slow handler never has its connection closed under it.
 * Sits after the aggregator, so it sees whole requests going in and responses going out.
 */
final class IdleTimeout extends ChannelDuplexHandler {

  private final long timeoutNanos;
  private int inFlight;
  private ScheduledFuture<?> timer;

  IdleTimeout(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    arm(ctx);
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    inFlight++;
    disarm();
    super.channelRead(ctx, msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (msg instanceof HttpResponse) {
      promise = promise.unvoid();
      promise.addListener(written -> {
        if (--inFlight == 0) {
          arm(ctx);
        }
      });
    }
    super.write(ctx, msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    disarm();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    disarm();
  }

  private void arm(ChannelHandlerContext ctx) {
    disarm();
    if (ctx.channel().isActive()) {
      timer = ctx.executor().schedule(() -> {
        ctx.close();
      }, timeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void disarm() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
