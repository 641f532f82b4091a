package dev.palisade.sidecar.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Locale;

/**
 * The socket transport: Netty's native epoll on Linux (the default where it loads), NIO
 * elsewhere or on request.
 *
 * <p>Epoll runs through {@link EpollReAddingIoHandler}: Netty 4.2's own handler (4.2.18, still in
 * 4.2.20) takes a socket out of the epoll set when its interest set becomes empty
 * ({@code EPOLL_CTL_DEL}) but later changes it with {@code EPOLL_CTL_MOD} instead of adding it
 * back, which fails with {@code epoll_ctl(..) failed with error(-2)}. A half-closed connection
 * gets there every time (the peer's FIN clears EPOLLIN and EPOLLRDHUP), so the first write after
 * it that has to wait for EPOLLOUT closed the channel and cut a large response short. The
 * wrapper re-adds the socket. {@link #defaultTransport()} loads Netty's epoll native library to
 * see whether it is available; the event loop factories are created only for the chosen one.
 */
public enum Transport {
  NIO, EPOLL;

  /** Epoll where Netty's native epoll transport loads (Linux), NIO elsewhere. */
  public static Transport defaultTransport() {
    return Epoll.isAvailable() ? EPOLL : NIO;
  }

  public static Transport parse(String text) {
    Transport transport;
    try {
      transport = valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown transport '" + text + "': use nio or epoll");
    }
    if (transport == EPOLL && !Epoll.isAvailable()) {
      throw new IllegalArgumentException("the epoll transport is not available here: "
          + Epoll.unavailabilityCause());
    }
    return transport;
  }

  IoHandlerFactory ioHandlerFactory() {
    return this == EPOLL ? EpollReAddingIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  Class<? extends ServerChannel> serverChannel() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  Class<? extends SocketChannel> socketChannel() {
    return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /**
   * Sets what a connection from a fixed source address (port 0) needs: with epoll,
   * {@code IP_BIND_ADDRESS_NO_PORT}, so the kernel picks the port at {@code connect} for the
   * whole 4-tuple instead of at {@code bind} for the address alone. Without it every bind
   * searches for a port no socket holds, TIME_WAIT ones included: under connection churn that
   * search took most of the server-side proxy's CPU, and past ~28,000 connections a minute the
   * range runs out (EADDRINUSE). Envoy sets the same. NIO has no such option.
   */
  void fromFixedSource(Bootstrap bootstrap) {
    if (this == EPOLL) {
      bootstrap.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
    }
  }
}
