package dev.palisade.sidecar.testing;

import dev.palisade.sidecar.intercept.OriginalDestination;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.Channel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * Stands in for the proxy in InterceptionIT: Netty epoll listeners that answer every connection
 * with one line, {@code <listener> <original destination>} (from {@link OriginalDestination}),
 * and close it. Run as uid 1337, as the real proxy is.
 *
 * <p>Usage: {@code StandInProxy inbound=0.0.0.0:15006 outbound=127.0.0.1:15001 ...}
 */
public final class StandInProxy {

  private StandInProxy() {}

  public static void main(String[] args) throws Exception {
    // -Dstandin.transport=nio exercises the NIO path the real proxy uses (NioFileDescriptor).
    boolean nio = "nio".equals(System.getProperty("standin.transport"));
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
        nio ? NioIoHandler.newFactory() : EpollIoHandler.newFactory());
    for (String spec : args) {
      StandIn.Listener listener = StandIn.Listener.parse(spec);
      new ServerBootstrap()
          .group(group)
          .channel(nio ? NioServerSocketChannel.class : EpollServerSocketChannel.class)
          .childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
              String reply;
              try {
                InetSocketAddress destination = OriginalDestination.of(channel);
                reply = listener.name() + " " + destination.getAddress().getHostAddress() + ":" + destination.getPort();
              } catch (SocketException e) {
                reply = listener.name() + " error " + e.getMessage();
              }
              channel.writeAndFlush(Unpooled.copiedBuffer(reply + "\n", StandardCharsets.US_ASCII))
                  .addListener(ChannelFutureListener.CLOSE);
            }
          })
          .bind(listener.host(), listener.port())
          .sync();
      System.out.println("listening " + listener.name() + " " + listener.host() + ":" + listener.port() + " uid " + StandIn.uid());
    }
    StandIn.runUntilStdinCloses();
  }
}
