package dev.palisade.sidecar.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies bytes from its channel to the partner channel: one at each end of a proxied
 * connection, last in the pipeline, so it sees plaintext on both sides. Until {@link Relay}
 * attaches a partner it holds what arrives (bytes decrypted with the end of a handshake).
 *
 * <p>Backpressure: when this channel stops being writable, the partner stops reading (autoRead
 * off), and resumes when this one drains ({@link #channelWritabilityChanged}).
 *
 * <p>Closing: end of input here (a TCP FIN) becomes a half-close of the partner once what was
 * written to it is flushed, so a client that shuts its output still gets its response; when
 * both directions have ended, or a side closes, the other side is closed after a flush. A TLS
 * close_notify means the peer closed both directions (Netty's BoringSSL engine answers it and
 * stops writing), so the TLS leg half-closes with a bare FIN and closes with close_notify.
 *
 * <p>While both channels are quiet a {@link DirectRelay} moves the bytes instead, outside the
 * pipeline; it hands the pair back here the moment anything above has to happen, and is offered
 * the pair again after each read here.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

  static final String NAME = "relay";

  private static final Logger LOG = LoggerFactory.getLogger(RelayHandler.class);

  private final LongConsumer relayed;
  private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
  private Channel self;
  private Channel partner;
  private RelayHandler partnerRelay;
  private DirectRelay direct;
  private boolean inputEnded;

  /** @param relayed told of every buffer forwarded, by its size (the traffic metrics) */
  RelayHandler(LongConsumer relayed) {
    this.relayed = relayed;
  }

  /** Starts forwarding to {@code partner}: first what was held, then an end of input seen. */
  void attach(Channel self, Channel partner, RelayHandler partnerRelay) {
    this.self = self;
    this.partner = partner;
    this.partnerRelay = partnerRelay;
    ByteBuf buf;
    while ((buf = held.poll()) != null) {
      forward(buf);
    }
    partner.flush();
    if (inputEnded) {
      propagateEndOfInput();
    }
  }

  boolean inputEnded() {
    return inputEnded;
  }

  /** Lets {@code direct} serve this connection whenever it is quiet (both ends share it). */
  void useDirectRelay(DirectRelay direct) {
    this.direct = direct;
  }

  DirectRelay directRelay() {
    return direct;
  }

  /** Counts application bytes forwarded from this side outside the pipeline. */
  void relayed(long bytes) {
    relayed.accept(bytes);
  }

  /**
   * Turns reading on or off, unless input has ended: there is nothing more to read then, and in
   * the epoll transport a read request on such a channel is an epoll_ctl call for nothing (the
   * one that failed with ENOENT before {@link EpollReAddingIoHandler}).
   */
  void readWhile(boolean writable) {
    if (!inputEnded && self.isActive()
        && !(self instanceof DuplexChannel duplex && duplex.isInputShutdown())) {
      self.config().setAutoRead(writable);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (partner == null) {
      held.add(buf);
    } else {
      forward(buf);
    }
  }

  /**
   * Writes with the partner's void promise: no promise and listener per relayed buffer. A failed
   * write is raised in the partner's pipeline instead, where its RelayHandler closes it, and its
   * {@link #channelInactive} closes this side.
   */
  private void forward(ByteBuf buf) {
    relayed.accept(buf.readableBytes());
    partner.write(buf, partner.voidPromise());
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (partner != null) {
      partner.flush();
      if (direct != null) {
        direct.tryClaim();
      }
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (partnerRelay != null) {
      // Read from the partner only as fast as we can write here.
      partnerRelay.readWhile(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      if (!inputEnded) {
        inputEnded = true;
        if (partner != null) {
          propagateEndOfInput();
        }
      }
    } else if (evt instanceof SslCloseCompletionEvent close && close.isSuccess()) {
      inputEnded = true;
      ctx.close(); // channelInactive flushes and closes the partner
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  private void propagateEndOfInput() {
    Channel target = partner;
    boolean bothEnded = partnerRelay.inputEnded();
    target.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(flushed -> {
      if (!target.isActive()) {
        return;
      }
      if (bothEnded || !(target instanceof DuplexChannel duplex)) {
        target.close(); // nothing more either way: a full close (close_notify on TLS)
      } else {
        duplex.shutdownOutput(); // half-close: the partner may still answer
      }
    });
    if (self instanceof DuplexChannel duplex && duplex.isOutputShutdown()) {
      self.close(); // our other direction ended earlier
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (direct != null) {
      direct.release();
    }
    releaseHeld();
    if (partner != null && partner.isActive()) {
      partner.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseHeld();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("closing {}: {}", ctx.channel(), cause.toString());
    ctx.close();
  }

  private void releaseHeld() {
    ByteBuf buf;
    while ((buf = held.poll()) != null) {
      buf.release();
    }
  }
}
