package dev.palisade.operator.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.LoggerFactory;

/**
 * Hands each whole request to its route's handler and writes the answer back. While a request
 * is in flight the channel stops reading ({@code AUTO_READ} off): a slow handler so slows its
 * client instead of piling up requests, and pipelined requests already read wait their turn, so
 * answers leave in request order. A request in flight when the client closes the connection is
 * cancelled. All state is touched on the channel's event loop only.
 */
final class RequestDispatcher extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);

  /** How a request arrived: whole, refused for its size, or unparseable. */
  private enum Arrival { WHOLE, BODY_TOO_LARGE, MALFORMED }

  private record Pending(Request request, Arrival arrival, boolean keepAlive) {}

  private final Routes routes;
  private final int maxBodyBytes;
  private final Queue<Pending> waiting = new ArrayDeque<>();
  private boolean busy;
  private CompletionStage<Response> inFlight;

  RequestDispatcher(Routes routes, int maxBodyBytes) {
    this.routes = routes;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    switch (msg) {
      case FullHttpRequest full -> {
        try {
          // After an unparseable request nothing on this connection can be trusted: close.
          boolean malformed = full.decoderResult().isFailure();
          waiting.add(new Pending(toRequest(ctx, full, ByteBufUtil.getBytes(full.content())),
              malformed ? Arrival.MALFORMED : Arrival.WHOLE,
              !malformed && HttpUtil.isKeepAlive(full)));
        } finally {
          full.release();
        }
      }
      case BodyLimit.Oversized oversized -> waiting.add(new Pending(
          toRequest(ctx, oversized.head(), new byte[0]), Arrival.BODY_TOO_LARGE,
          !oversized.closeAfterAnswer()));
      default -> {
        ctx.fireChannelRead(msg);
        return;
      }
    }
    if (!busy) {
      next(ctx);
    }
  }

  private void next(ChannelHandlerContext ctx) {
    Pending pending = waiting.poll();
    if (pending == null) {
      busy = false;
      ctx.channel().config().setAutoRead(true);
      return;
    }
    busy = true;
    ctx.channel().config().setAutoRead(false);
    CompletionStage<Response> answering = answer(pending);
    inFlight = answering;
    answering.whenComplete((response, failure) -> ctx.executor().execute(() -> {
      inFlight = null;
      if (!ctx.channel().isActive()) {
        return; // the client left (and the answer may have been cancelled): nobody to tell
      }
      Response answer = response;
      if (failure != null || response == null) { // unanswered, the connection would hang
        log.warn("{} {} failed", pending.request().method(), pending.request().path(), failure);
        answer = Response.error(500, "internal_error", "the server failed to answer; retry later");
      }
      ChannelFuture written = write(ctx, answer, pending.keepAlive());
      if (pending.keepAlive()) {
        written.addListener(f -> next(ctx));
      }
    }));
  }

  private CompletionStage<Response> answer(Pending pending) {
    Request request = pending.request();
    if (pending.arrival() == Arrival.MALFORMED) {
      return CompletableFuture.completedFuture(
          Response.error(400, "bad_request", "malformed HTTP request"));
    }
    var handler = routes.find(request.method(), request.path());
    if (handler.isEmpty()) {
      return CompletableFuture.completedFuture(routes.notRouted(request.method(), request.path()));
    }
    try {
      return pending.arrival() == Arrival.BODY_TOO_LARGE
          ? CompletableFuture.completedFuture(handler.get().bodyTooLarge(request, maxBodyBytes))
          : handler.get().handle(request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static ChannelFuture write(ChannelHandlerContext ctx, Response response,
      boolean keepAlive) {
    FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(response.body()));
    out.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
    response.headers().forEach(out.headers()::set);
    HttpUtil.setContentLength(out, response.body().length);
    HttpUtil.setKeepAlive(out, keepAlive);
    ChannelFuture written = ctx.writeAndFlush(out);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
    return written;
  }

  private static Request toRequest(ChannelHandlerContext ctx, HttpRequest head, byte[] body) {
    QueryStringDecoder uri = new QueryStringDecoder(head.uri());
    // Raw: routes are exact ASCII paths, and decoding a bad %-escape would throw.
    String path = uri.rawPath();
    Map<String, List<String>> query;
    try {
      query = uri.parameters();
    } catch (IllegalArgumentException badEscape) {
      query = Map.of(); // handlers see no parameters and answer as for missing ones
    }
    return new Request(head.method().name(), path, head.headers().copy(), body,
        ctx.channel().remoteAddress(), query, peerCertificates(ctx));
  }

  /** The chain the client presented and the TLS handshake verified; empty if none. */
  private static List<X509Certificate> peerCertificates(ChannelHandlerContext ctx) {
    SslHandler tls = ctx.pipeline().get(SslHandler.class);
    if (tls == null) {
      return List.of();
    }
    try {
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate certificate : tls.engine().getSession().getPeerCertificates()) {
        if (certificate instanceof X509Certificate x509) {
          chain.add(x509);
        }
      }
      return chain;
    } catch (SSLPeerUnverifiedException noCertificate) {
      return List.of();
    }
  }

  /**
   * A client that closes its connection while its request is in flight no longer wants the
   * answer: cancelling lets a handler that holds requests (a long-poll) forget it at once.
   */
  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (inFlight != null) {
      try {
        inFlight.toCompletableFuture().cancel(false);
      } catch (UnsupportedOperationException notCancellable) {
        // a stage that cannot be cancelled ends on its own
      }
      inFlight = null;
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // TLS failures, resets, timeouts: the client's problem or gone; never worth a stack trace.
    log.debug("closing connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
