import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A sketch of the lean relay (docs/sidecar.md, "Next: a lean relay"), measured by
 * hack/bench-relay-floor.sh: Netty accepts and connects as the proxy does, then takes both
 * sockets out of their channels and relays them from {@link EpollIoHandle}s registered on the same
 * event loop (Netty 4.2's IO API): a fixed buffer per direction, {@code recv}/{@code send} through
 * {@link Socket}, no pipeline, no outbound buffer, no allocation per request. Not a proxy: no TLS,
 * no backpressure (a send that cannot finish is retried at once, which 1 KB messages never need),
 * no half-close. Usage: java IoHandleRelay LISTEN_PORT TARGET_PORT (Netty on the class path).
 */
public final class IoHandleRelay {

  private static final EpollIoOps READ = EpollIoOps.EPOLLIN.with(EpollIoOps.EPOLLRDHUP);

  /** One socket of a relayed pair: what it reads is sent to its partner. */
  private static final class End implements EpollIoHandle {
    private final Socket socket;
    private final IoEventLoop loop;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(16384);
    private final long address = PlatformDependent.directBufferAddress(buffer);
    private End partner;
    private IoRegistration registration;

    End(Channel channel) {
      this.socket = (Socket) ((EpollSocketChannel) channel).fd();
      this.loop = (IoEventLoop) channel.eventLoop();
    }

    @Override
    public FileDescriptor fd() {
      return socket;
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
      try {
        int read = socket.recvAddress(address, 0, buffer.capacity());
        if (read < 0 || (read == 0 && ((EpollIoEvent) event).ops().contains(EpollIoOps.EPOLLRDHUP))) {
          closePair();
          return;
        }
        for (int sent = 0; sent < read; ) {
          sent += partner.socket.sendAddress(address, sent, read);
        }
      } catch (IOException e) {
        closePair();
      }
    }

    void start() {
      loop.register(this).addListener(registered -> {
        registration = (IoRegistration) registered.getNow();
        registration.submit(READ);
      });
    }

    private void closePair() {
      if (registration == null || !registration.isValid()) {
        return;
      }
      registration.cancel();
      if (partner.registration != null) {
        partner.registration.cancel();
      }
      loop.execute(() -> { // after the cancellations have taken the sockets out of epoll
        closeQuietly(socket);
        closeQuietly(partner.socket);
      });
    }

    @Override
    public void close() {
      closePair();
    }
  }

  public static void main(String[] args) throws InterruptedException {
    int listenPort = Integer.parseInt(args[0]);
    InetSocketAddress target = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1]));
    MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true).childOption(ChannelOption.AUTO_READ, false)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel downstream) {
            new Bootstrap().group(downstream.eventLoop()).channel(EpollSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(target).addListener((ChannelFutureListener) connected -> {
                  if (!connected.isSuccess()) {
                    downstream.close();
                    return;
                  }
                  join(downstream, connected.channel());
                });
          }
        }).bind("127.0.0.1", listenPort).sync();
    Thread.currentThread().join();
  }

  /** Takes both sockets out of their channels (deregistered, left open) and relays them. */
  private static void join(Channel downstream, Channel upstream) {
    End down = new End(downstream);
    End up = new End(upstream);
    down.partner = up;
    up.partner = down;
    downstream.deregister().addListener(first -> upstream.deregister().addListener(second -> {
      down.start();
      up.start();
    }));
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
