package dev.palisade.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection from a fixed source address ({@link InboundDelivery}'s 127.0.0.6) leaves the
 * port to {@code connect} (IP_BIND_ADDRESS_NO_PORT, read back from the kernel), so connection
 * churn does not make every bind search the port range.
 */
class TransportFixedSourceTest {

  private EventLoopGroup group;

  @AfterEach
  void stop() throws Exception {
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void withEpollTheKernelPicksTheSourcePortAtConnect() throws Exception {
    group = new MultiThreadIoEventLoopGroup(1, Transport.EPOLL.ioHandlerFactory());
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Bootstrap bootstrap = new Bootstrap().group(group)
          .channel(Transport.EPOLL.socketChannel())
          .handler(new ChannelInboundHandlerAdapter());
      Transport.EPOLL.fromFixedSource(bootstrap);

      Channel channel = bootstrap.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()),
          new InetSocketAddress(InboundDelivery.PASSTHROUGH_SOURCE, 0)).sync().channel();
      try {
        assertThat(channel.config().getOption(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT))
            .isTrue();
        InetSocketAddress local = (InetSocketAddress) channel.localAddress();
        assertThat(local.getAddress().getHostAddress())
            .isEqualTo(InboundDelivery.PASSTHROUGH_SOURCE);
        assertThat(local.getPort()).isPositive();
      } finally {
        channel.close().sync();
      }
    }
  }
}
