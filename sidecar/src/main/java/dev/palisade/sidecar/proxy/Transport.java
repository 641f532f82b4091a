package dev.palisade.sidecar.proxy;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Locale;

/**
 * The socket transport. NIO is the default: Netty 4.2's epoll transport (4.2.18 to 4.2.20 at
 * least) removes a socket from the epoll set when its interest set becomes empty but later
 * modifies it instead of re-adding it, so a connection that received a FIN (half-closed) fails
 * with {@code epoll_ctl(..) failed with error(-2)} as soon as a write has to wait; a half-closing
 * proxy hits that on every large response. Epoll stays selectable for when Netty fixes it.
 * Factories are created lazily so that the epoll classes are never initialised unless chosen.
 */
public enum Transport {
  NIO, EPOLL;

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
    return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  Class<? extends ServerChannel> serverChannel() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  Class<? extends SocketChannel> socketChannel() {
    return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}
