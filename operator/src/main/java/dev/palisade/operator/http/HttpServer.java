package dev.palisade.operator.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server for the operator's endpoints: exact method + path routes, bodies
 * aggregated up to a limit (larger ones get 413 from the route), an idle timeout, and either TLS
 * or plain text. With TLS, the {@code SslContext} is read from its supplier for every new
 * connection, so a renewed serving certificate applies without a restart while open connections
 * finish on the old one.
 *
 * <p>Pipeline, in order: {@code tls} (HTTPS only), {@code http}, {@code body-limit},
 * {@code idle-timeout}, {@code dispatch}.
 */
public final class HttpServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

  private final String name;
  private final EventLoopGroup eventLoops;
  private final Channel listener;

  private HttpServer(String name, EventLoopGroup eventLoops, Channel listener) {
    this.name = name;
    this.eventLoops = eventLoops;
    this.listener = listener;
  }

  /** A server that speaks TLS with whatever context {@code tls} supplies at each connection. */
  public static Builder https(String name, Supplier<SslContext> tls) {
    return new Builder(name, tls);
  }

  /** A plain-text server, for the in-cluster admin port (metrics and probes). */
  public static Builder plain(String name) {
    return new Builder(name, null);
  }

  /** The address actually bound (the port is real even when 0 was asked for). */
  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  public int port() {
    return address().getPort();
  }

  /** Whether the server still accepts connections: a readiness check. */
  public boolean isServing() {
    return listener.isActive();
  }

  /** Stops accepting, then stops the event loops (open connections are cut). */
  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    eventLoops.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    log.info("{} server stopped", name);
  }

  /** Configures and binds a server. */
  public static final class Builder {
    private final String name;
    private final Supplier<SslContext> tls;
    private final Routes routes = new Routes();
    private int maxBodyBytes = 64 * 1024;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private int eventLoopThreads = 1;

    private Builder(String name, Supplier<SslContext> tls) {
      this.name = name;
      this.tls = tls;
    }

    public Builder route(String method, String path, RequestHandler handler) {
      routes.add(method, path, handler);
      return this;
    }

    /** Larger request bodies are refused with 413 without being read (default 64 KiB). */
    public Builder maxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /**
     * How long a connection may have no request in flight before it is closed (default 30 s);
     * see {@link IdleTimeout}.
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
      return this;
    }

    /** Event loop threads (default 1): TLS handshakes are their main CPU work. */
    public Builder eventLoopThreads(int eventLoopThreads) {
      this.eventLoopThreads = eventLoopThreads;
      return this;
    }

    /**
     * Binds {@code address} (port 0 picks a free one) and starts serving.
     *
     * @throws IllegalStateException when the address cannot be bound, e.g. the port is taken
     */
    public HttpServer bind(InetSocketAddress address) {
      Transport transport = Transport.best();
      EventLoopGroup eventLoops = transport.newEventLoops("palisade-" + name, eventLoopThreads);
      Routes frozen = routes.copy();
      ChannelFuture bound = new ServerBootstrap()
          .group(eventLoops)
          .channel(transport.serverChannel())
          .childHandler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
              initPipeline(channel, frozen);
            }
          })
          .bind(address).awaitUninterruptibly();
      if (!bound.isSuccess()) {
        eventLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        throw new IllegalStateException(name + " server cannot listen on " + address + ": "
            + bound.cause().getMessage(), bound.cause());
      }
      HttpServer server = new HttpServer(name, eventLoops, bound.channel());
      log.info("{} server listening on {} ({}, {})", name, server.address(),
          tls == null ? "plain HTTP" : "HTTPS", transport.name());
      return server;
    }

    private void initPipeline(Channel channel, Routes frozen) {
      ChannelPipeline pipeline = channel.pipeline();
      if (tls != null) {
        SslContext context;
        try {
          context = tls.get();
        } catch (RuntimeException e) {
          // No certificate yet: readiness says so; refusing the connection is all we can do.
          log.debug("{}: refusing a connection, no TLS context: {}", name, e.getMessage());
          channel.close();
          return;
        }
        pipeline.addLast("tls", context.newHandler(channel.alloc()));
      }
      addHttpHandlers(pipeline, frozen, maxBodyBytes, idleTimeout);
    }
  }

  /** The HTTP layers after TLS: what every byte a client sends goes through (and fuzzed). */
  static void addHttpHandlers(ChannelPipeline pipeline, Routes routes, int maxBodyBytes,
      Duration idleTimeout) {
    pipeline.addLast("http", new HttpServerCodec());
    pipeline.addLast("body-limit", new BodyLimit(maxBodyBytes));
    pipeline.addLast("idle-timeout", new IdleTimeout(idleTimeout));
    pipeline.addLast("dispatch", new RequestDispatcher(routes, maxBodyBytes));
  }
}
