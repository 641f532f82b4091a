package dev.palisade.sidecar.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;

/** The plain-HTTP admin port (:15020): probes, metrics, shutdown. */
public final class AdminServer implements AutoCloseable {

  private static final int MAX_REQUEST_BYTES = 16 * 1024;
  private static final int READ_TIMEOUT_SECONDS = 10;

  private final Channel channel;

  private AdminServer(Channel channel) {
    this.channel = channel;
  }

  /** Binds and returns once listening. */
  public static AdminServer start(EventLoopGroup boss, EventLoopGroup workers,
      Class<? extends ServerChannel> channelType, InetSocketAddress address,
      AdminEndpoints endpoints) throws InterruptedException {
    ChannelFuture bound = new ServerBootstrap()
        .group(boss, workers)
        .channel(channelType)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline()
                .addLast("idle", new ReadTimeoutHandler(READ_TIMEOUT_SECONDS))
                .addLast("http", new HttpServerCodec())
                .addLast("aggregate", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                .addLast("admin", new AdminHandler(endpoints));
          }
        })
        .bind(address)
        .sync();
    return new AdminServer(bound.channel());
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }
}
