package dev.palisade.sidecar.admin;

import dev.palisade.common.json.JsonDocuments;
import dev.palisade.common.sidecar.ProxyIdentity;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes admin requests: {@code GET /healthz/ready}, {@code GET /metrics}, {@code GET
 * /identity} (certificates and versions: public material, never the key), {@code POST
 * /shutdown}. One request per connection (probes and scrapes open a new one anyway).
 *
 * <p>The port is on the pod's address, for the kubelet's probes and Prometheus; what changes
 * state is served to loopback callers only (the pod's own containers), as Envoy keeps its admin
 * interface on localhost: any other pod could otherwise stop this one's proxy.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String JSON = "application/json";

  private final AdminEndpoints endpoints;

  AdminHandler(AdminEndpoints endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    String path = new QueryStringDecoder(request.uri()).path();
    HttpMethod method = request.method();
    FullHttpResponse response = switch (path) {
      case "/healthz/ready" -> method == HttpMethod.GET || method == HttpMethod.HEAD
          ? endpoints.ready()
              ? respond(HttpResponseStatus.OK, TEXT, "ready\n")
              : respond(HttpResponseStatus.SERVICE_UNAVAILABLE, TEXT,
                  "not ready: waiting for a certificate and the listeners, or draining\n")
          : notAllowed("GET");
      case ProxyIdentity.PATH -> method != HttpMethod.GET ? notAllowed("GET")
          : endpoints.identity()
              .map(identity -> respond(HttpResponseStatus.OK, JSON,
                  JsonDocuments.lenient().write(identity) + "\n"))
              .orElseGet(() -> respond(HttpResponseStatus.SERVICE_UNAVAILABLE, TEXT,
                  ProxyIdentity.NO_CERTIFICATE + "\n"));
      case "/metrics" -> method == HttpMethod.GET
          ? respond(HttpResponseStatus.OK, PROMETHEUS_TEXT, endpoints.metrics())
          : notAllowed("GET");
      case "/shutdown" -> {
        if (method != HttpMethod.POST) {
          yield notAllowed("POST");
        }
        if (!fromLoopback(ctx.channel().remoteAddress())) {
          LOG.warn("shutdown refused: {} is not on this pod's loopback",
              ctx.channel().remoteAddress());
          yield respond(HttpResponseStatus.FORBIDDEN, TEXT,
              "POST /shutdown is served to this pod's own containers (loopback) only\n");
        }
        LOG.info("shutdown requested from {}", ctx.channel().remoteAddress());
        endpoints.shutdown();
        yield respond(HttpResponseStatus.OK, TEXT, "draining\n");
      }
      default -> respond(HttpResponseStatus.NOT_FOUND, TEXT,
          "unknown path; try /healthz/ready, /metrics, /identity, POST /shutdown\n");
    };
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private static boolean fromLoopback(SocketAddress remote) {
    return remote instanceof InetSocketAddress address && address.getAddress() != null
        && address.getAddress().isLoopbackAddress();
  }

  private static FullHttpResponse notAllowed(String allowed) {
    FullHttpResponse response = respond(HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT,
        "use " + allowed + "\n");
    response.headers().set(HttpHeaderNames.ALLOW, allowed);
    return response;
  }

  private static FullHttpResponse respond(HttpResponseStatus status, String type, String body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, type)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("admin connection {} failed: {}", ctx.channel(), cause.toString());
    ctx.close();
  }
}
