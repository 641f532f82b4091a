package dev.palisade.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The sequence that broke Netty 4.2's epoll transport: the peer half-closes, the channel is left
 * with nothing to wait for (Netty takes the socket out of the epoll set), and only then a
 * response is written that does not fit the socket buffer, so the write has to wait for
 * EPOLLOUT. Unpatched, that wait fails with {@code epoll_ctl(..) failed with error(-2)} and the
 * response is cut short.
 */
class TransportHalfCloseTest {

  private static final int RESPONSE = 32 * 1024 * 1024;

  private EventLoopGroup group;

  @AfterEach
  void stop() throws Exception {
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aLargeResponseAfterTheClientsHalfCloseArrivesWhole(Transport transport) throws Exception {
    group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    CompletableFuture<Void> writing = new CompletableFuture<>();
    Channel server = new ServerBootstrap()
        .group(group)
        .channel(transport.serverChannel())
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel channel) {
            channel.pipeline().addLast(new RespondAfterEndOfInput(failure, writing));
          }
        })
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    try (Socket client = new Socket()) {
      client.setReceiveBufferSize(64 * 1024);
      client.connect(server.localAddress());
      client.getOutputStream().write("request".getBytes());
      client.shutdownOutput();
      // Not reading until the server has started its write: with a 64 KiB receive buffer the
      // response must queue in Netty, so the write waits for EPOLLOUT.
      writing.get(30, TimeUnit.SECONDS);
      long total = 0;
      InputStream in = client.getInputStream();
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
      }
      Throwable cause = failure.getNow(null);
      assertThat(cause == null ? null : stackTrace(cause)).isNull();
      assertThat(total).isEqualTo(RESPONSE);
    } finally {
      server.close().sync();
    }
  }

  private static String stackTrace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  /** Waits for the end of input, lets the event loop settle, then writes the response. */
  private static final class RespondAfterEndOfInput extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<Throwable> failure;
    private final CompletableFuture<Void> writing;

    RespondAfterEndOfInput(CompletableFuture<Throwable> failure, CompletableFuture<Void> writing) {
      this.failure = failure;
      this.writing = writing;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        ctx.executor().schedule(() -> {
          ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[RESPONSE])).addListener(f -> {
            if (f.isSuccess()) {
              ((DuplexChannel) ctx.channel()).shutdownOutput();
            } else {
              failure.complete(f.cause());
              ctx.close();
            }
          });
          writing.complete(null);
        }, 50, TimeUnit.MILLISECONDS);
      }
      ctx.fireUserEventTriggered(evt);
    }
  }
}
