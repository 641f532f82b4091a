package dev.palisade.operator.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
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
 * on to the dispatcher, so the route answers it in its own shape and counts it.
 */
final class BodyLimit extends HttpObjectAggregator {

  /**
   * The head of a request whose body was refused. As in Netty, the connection stays open (and
   * the aggregator discards the rest of the body) unless the body was already partly read, or the
   * client does not keep connections alive, or it awaits a {@code 100 Continue} it will not get
   * (it may then send the body or not: the stream cannot be followed).
   */
  record Oversized(HttpRequest head, boolean closeAfterAnswer) {}

  BodyLimit(int maxBodyBytes) {
    super(maxBodyBytes);
  }

  /** No {@code 100 Continue} for a body announced too large: it goes to the route instead. */
  @Override
  protected Object newContinueResponse(HttpMessage start, int maxContentLength,
      ChannelPipeline pipeline) {
    if (HttpUtil.is100ContinueExpected(start)
        && HttpUtil.getContentLength(start, -1L) > maxContentLength) {
      return null; // the aggregator then calls handleOversizedMessage
    }
    return super.newContinueResponse(start, maxContentLength, pipeline);
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    if (!(oversized instanceof HttpRequest request)) {
      ctx.close(); // a server never aggregates responses
      return;
    }
    boolean close = oversized instanceof FullHttpMessage
        || !ctx.channel().config().isAutoRead()
        || HttpUtil.is100ContinueExpected(request)
        || !HttpUtil.isKeepAlive(request);
    // The aggregator releases `oversized` when this returns: pass on a copy of the head only.
    HttpRequest head = new DefaultHttpRequest(request.protocolVersion(), request.method(),
        request.uri(), new DefaultHttpHeaders().set(request.headers()));
    ctx.fireChannelRead(new Oversized(head, close));
  }
}
