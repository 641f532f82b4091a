package dev.palisade.sidecar.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslHandler;

/**
 * Sits before a connection's {@link SslHandler} and holds back the peer's half-close until the
 * handshake is done. With the peer's chain verified as a delegated task, a client may send its
 * request and half-close while verification runs; the SslHandler, seeing the end of input then,
 * would drop the encrypted bytes it has not unwrapped yet. Once the handshake is done the
 * end of input follows the bytes, after the handshake's own completion event.
 */
final class EndOfInputAfterHandshake extends ChannelInboundHandlerAdapter {

  static final String NAME = "end-of-input";

  private final SslHandler tls;
  private boolean held;

  EndOfInputAfterHandshake(SslHandler tls) {
    this.tls = tls;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent && !tls.handshakeFuture().isDone()) {
      if (!held) {
        held = true;
        tls.handshakeFuture().addListener(done -> ctx.executor().execute(
            () -> ctx.fireUserEventTriggered(evt)));
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }
}
