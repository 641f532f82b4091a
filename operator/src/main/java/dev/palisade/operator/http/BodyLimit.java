package dev.palisade.operator.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Aggregates each request into one {@code FullHttpRequest} of at most {@code maxBodyBytes}.
 * Netty's own answer to a larger body is a bare 413; instead this passes an {@link Oversized}
 * on to the dispatcher, so the route answers it in its own shape and counts it. (An
 * {@code Expect: 100-continue} was already answered by the handler in front, so every oversized
 * request takes this one path.)
 */
final class BodyLimit extends HttpObjectAggregator {

  /**
   * The head of a request whose body was refused. As in Netty, the connection stays open (and
   * the aggregator discards the rest of the body) unless the body was already partly read, or the
   * client does not keep connections alive: closing under a client still sending can reset the
   * connection before it reads the 413.
   */
  record Oversized(HttpRequest head, boolean closeAfterAnswer) {}

  BodyLimit(int maxBodyBytes) {
    super(maxBodyBytes);
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    if (!(oversized instanceof HttpRequest request)) {
      ctx.close(); // a server never aggregates responses
      return;
    }
    boolean close = oversized instanceof FullHttpMessage
        || !ctx.channel().config().isAutoRead()
        || !HttpUtil.isKeepAlive(request);
    // The aggregator releases `oversized` when this returns: pass on a copy of the head only.
    HttpRequest head = new DefaultHttpRequest(request.protocolVersion(), request.method(),
        request.uri(), new DefaultHttpHeaders().set(request.headers()));
    ctx.fireChannelRead(new Oversized(head, close));
  }
}
