package dev.palisade.sidecar.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Opens the second leg of a proxied connection on the accepted channel's own event loop (no
 * cross-thread hand-off between the two sides), with autoRead off until {@link Relay} joins
 * them and half-closure allowed.
 */
final class Upstreams {

  private final Transport transport;
  private final Duration connectTimeout;

  Upstreams(Transport transport, Duration connectTimeout) {
    this.transport = transport;
    this.connectTimeout = connectTimeout;
  }

  ChannelFuture connect(Channel downstream, InetSocketAddress destination,
      Consumer<Channel> pipeline) {
    return connect(downstream, destination, null, pipeline);
  }

  /** @param source the local address to connect from, or null for the kernel's choice */
  ChannelFuture connect(Channel downstream, InetSocketAddress destination,
      InetSocketAddress source, Consumer<Channel> pipeline) {
    Bootstrap bootstrap = new Bootstrap()
        .group(downstream.eventLoop())
        .channel(transport.socketChannel())
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
        .handler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel channel) {
            pipeline.accept(channel);
          }
        });
    if (source != null) {
      transport.fromFixedSource(bootstrap);
    }
    return bootstrap.connect(destination, source);
  }
}
