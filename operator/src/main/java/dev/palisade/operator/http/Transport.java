package dev.palisade.operator.http;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.function.Supplier;

/** Native epoll on Linux when its library loads, else Java NIO: same behaviour either way. */
record Transport(String name, Supplier<IoHandlerFactory> ioHandlers,
    Class<? extends ServerChannel> serverChannel) {

  static Transport best() {
    return Epoll.isAvailable()
        ? new Transport("epoll", EpollIoHandler::newFactory, EpollServerSocketChannel.class)
        : new Transport("nio", NioIoHandler::newFactory, NioServerSocketChannel.class);
  }

  EventLoopGroup newEventLoops(String name, int threads) {
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true),
        ioHandlers.get());
  }
}
