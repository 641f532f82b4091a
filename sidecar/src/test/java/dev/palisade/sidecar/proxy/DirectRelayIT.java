package dev.palisade.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.sidecar.testing.TestApp;
import dev.palisade.sidecar.testing.TestApp.Behaviour;
import dev.palisade.testing.TestCa;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DirectRelay} on real sockets, in the proxy's epoll transport: a downstream accepted as
 * the listeners accept, an upstream to an echo application (in plaintext, or over TLS with the
 * BoringSSL engine the proxy uses), joined by {@link Relay#join}. The relay must carry quiet
 * traffic itself, hand the pair to the pipeline when a send cannot complete and take it back
 * once both sides are quiet, and lose or reorder nothing on the way.
 */
class DirectRelayIT {

  private static final TestCa CA = TestCa.create("cluster.local");
  private static EventLoopGroup appGroup;
  private static TestApp plainEcho;
  private static Channel tlsEcho;
  private static SslContext clientTls;

  private EventLoopGroup proxyGroup;
  private final CompletableFuture<Channel> joined = new CompletableFuture<>();
  private final AtomicLong relayed = new AtomicLong();

  @BeforeAll
  static void startApplications() throws Exception {
    plainEcho = TestApp.start(Behaviour.ECHO);
    TestCa.Leaf server = CA.leaf(CA.identity("shop", "cart"));
    TestCa.Leaf client = CA.leaf(CA.identity("shop", "frontend"));
    SslContext serverTls = SslContextBuilder
        .forServer(server.keys().getPrivate(), server.chain().toArray(X509Certificate[]::new))
        .sslProvider(SslProvider.OPENSSL).build();
    clientTls = SslContextBuilder.forClient()
        .keyManager(client.keys().getPrivate(), client.chain().toArray(X509Certificate[]::new))
        .trustManager(CA.rootCertificate())
        .endpointIdentificationAlgorithm(null) // SPIFFE identities, no host names
        .sslProvider(SslProvider.OPENSSL).build();
    appGroup = new MultiThreadIoEventLoopGroup(1, Transport.NIO.ioHandlerFactory());
    tlsEcho = new ServerBootstrap().group(appGroup).channel(Transport.NIO.serverChannel())
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(serverTls.newHandler(channel.alloc()), new Echo());
          }
        })
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
  }

  @AfterAll
  static void stopApplications() throws Exception {
    tlsEcho.close().sync();
    appGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    plainEcho.close();
  }

  @AfterEach
  void stopProxy() throws Exception {
    if (proxyGroup != null) {
      proxyGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void quietTrafficIsRelayedDirectlyAndArrivesIntact(boolean tls) throws Exception {
    try (Socket client = connectThroughRelay(tls)) {
      for (int round = 0; round < 200; round++) {
        roundTrip(client, 1024);
      }
      assertThat(claimed()).as("the relay serves a quiet pair").isTrue();
      await().atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(relayed.get()).isEqualTo(2L * 200 * 1024));
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aStreamReadAsFastAsItComesArrivesWholeAndInOrder(boolean tls) throws Exception {
    try (Socket client = connectThroughRelay(tls)) {
      roundTrip(client, 1024);
      assertThat(claimed()).isTrue();
      // Full reads of many records each, some split between reads: what decrypts in one read
      // can be more than the relay's buffer holds, and the rest must still come out.
      byte[] stream = random(32 * 1024 * 1024);
      CompletableFuture<Void> written = writeInBackground(client, stream);
      byte[] echoed = new byte[stream.length];
      new DataInputStream(client.getInputStream()).readFully(echoed);
      written.get(20, TimeUnit.SECONDS);
      assertThat(Arrays.equals(echoed, stream)).as("the stream arrives whole and in order").isTrue();
      roundTrip(client, 1024);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aSendTheSocketCannotTakeGoesToThePipelineAndTheRelayTakesThePairBack(boolean tls)
      throws Exception {
    try (Socket client = connectThroughRelay(tls)) {
      roundTrip(client, 1024);
      assertThat(claimed()).isTrue();
      // Echoed back while the client does not read: the send to the client fills its socket.
      byte[] burst = random(16 * 1024 * 1024);
      CompletableFuture<Void> written = writeInBackground(client, burst);
      await().atMost(Duration.ofSeconds(20)).until(() -> !claimed());
      byte[] echoed = new byte[burst.length];
      new DataInputStream(client.getInputStream()).readFully(echoed);
      written.get(20, TimeUnit.SECONDS);
      assertThat(Arrays.equals(echoed, burst)).as("the burst arrives whole and in order").isTrue();
      roundTrip(client, 1024); // read by the pipeline, which hands the quiet pair back
      await().atMost(Duration.ofSeconds(5)).until(this::claimed);
      roundTrip(client, 1024);
    }
  }

  @Test
  void anEndOfInputGoesToThePipelineWhichHalfClosesTheOtherSide() throws Exception {
    try (Socket client = connectThroughRelay(false)) {
      roundTrip(client, 1024);
      assertThat(claimed()).isTrue();
      byte[] last = random(300 * 1024);
      client.getOutputStream().write(last);
      client.shutdownOutput();
      InputStream in = client.getInputStream();
      assertThat(in.readAllBytes()).as("the echo, then the echo's end of output").isEqualTo(last);
      Channel downstream = joined.getNow(null);
      await().atMost(Duration.ofSeconds(5)).until(() -> !downstream.isOpen());
      assertThat(relayed.get()).isEqualTo(1024L * 2 + last.length * 2L);
    }
  }

  /** A client connection through a fresh relay, to the plaintext or the TLS echo. */
  private Socket connectThroughRelay(boolean tls) throws Exception {
    proxyGroup = new MultiThreadIoEventLoopGroup(1, Transport.EPOLL.ioHandlerFactory());
    InetSocketAddress echo = tls ? (InetSocketAddress) tlsEcho.localAddress()
        : new InetSocketAddress(InetAddress.getLoopbackAddress(), plainEcho.port());
    Channel listener = new ServerBootstrap().group(proxyGroup)
        .channel(Transport.EPOLL.serverChannel())
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel downstream) {
            downstream.pipeline().addLast(new IdleTimeout(Duration.ofHours(1)),
                new RelayHandler(relayed::addAndGet));
            connectUpstream(downstream, echo, tls);
          }
        })
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    Socket client = new Socket();
    client.connect(listener.localAddress(), 5000);
    client.setSoTimeout(30_000);
    client.setReceiveBufferSize(64 * 1024);
    joined.get(5, TimeUnit.SECONDS);
    return client;
  }

  private void connectUpstream(Channel downstream, InetSocketAddress echo, boolean tls) {
    new Bootstrap().group(downstream.eventLoop()).channel(Transport.EPOLL.socketChannel())
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel upstream) {
            if (tls) {
              upstream.pipeline().addLast(clientTls.newHandler(upstream.alloc()));
            }
            upstream.pipeline().addLast(new RelayHandler(relayed::addAndGet));
          }
        })
        .connect(echo).addListener((ChannelFutureListener) connected -> {
          Channel upstream = connected.channel();
          if (!tls) {
            join(downstream, upstream);
            return;
          }
          upstream.pipeline().get(SslHandler.class).handshakeFuture()
              .addListener(done -> join(downstream, upstream));
        });
  }

  private void join(Channel downstream, Channel upstream) {
    Relay.join(downstream, upstream);
    joined.complete(downstream);
  }

  /** Whether the relay serves the pair now, asked on its event loop. */
  private boolean claimed() throws Exception {
    Channel downstream = joined.getNow(null);
    return downstream.eventLoop().submit(() -> {
      RelayHandler handler = downstream.pipeline().get(RelayHandler.class);
      return handler != null && handler.directRelay() != null
          && handler.directRelay().claimed();
    }).get(5, TimeUnit.SECONDS);
  }

  private static void roundTrip(Socket client, int size) throws IOException {
    byte[] request = random(size);
    OutputStream out = client.getOutputStream();
    out.write(request);
    byte[] response = new byte[size];
    new DataInputStream(client.getInputStream()).readFully(response);
    assertThat(response).isEqualTo(request);
  }

  /** Writes on another thread, so that the test can read (or not) meanwhile. */
  private static CompletableFuture<Void> writeInBackground(Socket client, byte[] bytes) {
    return CompletableFuture.runAsync(() -> {
      try {
        client.getOutputStream().write(bytes);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }

  /** Writes back what it reads (the TLS application). */
  private static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }
  }
}
