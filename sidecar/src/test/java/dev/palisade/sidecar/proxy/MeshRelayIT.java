package dev.palisade.sidecar.proxy;

import static dev.palisade.sidecar.testing.Metrics.handshake;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.sidecar.testing.Clients;
import dev.palisade.sidecar.testing.Mesh;
import dev.palisade.sidecar.testing.TestApp;
import dev.palisade.sidecar.testing.TestApp.Behaviour;
import dev.palisade.testing.TestCa;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** client -> outbound sidecar A -> mTLS -> inbound sidecar B -> application, on real sockets. */
class MeshRelayIT {

  private static final TestCa CA = TestCa.create("cluster.local");
  private static final String FRONTEND = "spiffe://cluster.local/ns/shop/sa/frontend";
  private static final String CART = "spiffe://cluster.local/ns/shop/sa/cart";
  private static TestApp echo;
  private static TestApp replyAfterEof;
  private static TestApp largeReplyAfterEof;
  private static Mesh toEcho;
  private static Mesh toReplier;
  private static Mesh toLargeReplier;

  @BeforeAll
  static void start() throws Exception {
    echo = TestApp.start(Behaviour.ECHO);
    replyAfterEof = TestApp.start(Behaviour.REPLY_AFTER_EOF);
    largeReplyAfterEof = TestApp.start(Behaviour.LARGE_REPLY_AFTER_EOF);
    toEcho = Mesh.start(CA, echo.port(), InboundPolicy.strictDefault());
    toReplier = Mesh.start(CA, replyAfterEof.port(), InboundPolicy.strictDefault());
    toLargeReplier = Mesh.start(CA, largeReplyAfterEof.port(), InboundPolicy.strictDefault());
  }

  @AfterAll
  static void stop() throws Exception {
    toEcho.close();
    toReplier.close();
    toLargeReplier.close();
    echo.close();
    replyAfterEof.close();
    largeReplyAfterEof.close();
  }

  @Test
  void bytesCrossIntactBothWaysOverMutualTls() throws Exception {
    double outboundOk = toEcho.a.metric("palisade_tls_handshakes_total",
        handshake("outbound", "success", "none"));
    double inboundOk = toEcho.b.metric("palisade_tls_handshakes_total",
        handshake("inbound", "success", "none"));
    try (Socket client = toEcho.connect()) {
      Clients.write(client, "ping 1\n");
      assertThat(Clients.readExactly(client, 7)).isEqualTo("ping 1\n");
      Clients.write(client, "ping 2\n");
      assertThat(Clients.readExactly(client, 7)).isEqualTo("ping 2\n");
      assertThat(toEcho.a.metric("palisade_connections_active", Map.of("direction", "outbound")))
          .isEqualTo(1);
    }
    assertThat(toEcho.a.metric("palisade_tls_handshakes_total",
        handshake("outbound", "success", "none"))).isEqualTo(outboundOk + 1);
    assertThat(toEcho.b.metric("palisade_tls_handshakes_total",
        handshake("inbound", "success", "none"))).isEqualTo(inboundOk + 1);
    // Two Palisade proxies agree on the hybrid post-quantum group, every time.
    assertThat(toEcho.b.metric("palisade_tls_handshake_duration_seconds_count",
        Map.of("direction", "inbound", "group", "X25519MLKEM768"))).isEqualTo(inboundOk + 1);
    assertThat(toEcho.a.metric("palisade_tls_handshake_duration_seconds_count",
        Map.of("direction", "outbound", "group", "X25519MLKEM768"))).isEqualTo(outboundOk + 1);
    assertThat(toEcho.b.metric("palisade_authz_decisions_total",
        Map.of("direction", "inbound", "decision", "allow", "peer", FRONTEND)))
        .isGreaterThanOrEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(toEcho.a.metric("palisade_connections_active", Map.of("direction", "outbound")))
          .isZero();
      assertThat(toEcho.b.metric("palisade_connections_active", Map.of("direction", "inbound")))
          .isZero();
    });
    assertThat(toEcho.b.metric("palisade_transmitted_bytes_total",
        Map.of("direction", "inbound", "peer", FRONTEND))).isGreaterThanOrEqualTo(28);
    assertThat(toEcho.a.metric("palisade_transmitted_bytes_total",
        Map.of("direction", "outbound", "peer", CART))).isGreaterThanOrEqualTo(28);
    assertThat(toEcho.b.metric("palisade_connections_total",
        Map.of("direction", "inbound", "peer", FRONTEND))).isGreaterThanOrEqualTo(1);
    assertThat(toEcho.a.metric("palisade_connections_total",
        Map.of("direction", "outbound", "peer", CART))).isGreaterThanOrEqualTo(1);
  }

  @Test
  void sixtyFourMebibytesArriveIntactInBothDirections() throws Exception {
    long size = 64L * 1024 * 1024;
    echo.received().clear();
    try (Socket client = toEcho.connect()) {
      CompletableFuture<String> sent = CompletableFuture.supplyAsync(() -> {
        try {
          return send(client.getOutputStream(), size);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        } finally {
          try {
            client.shutdownOutput();
          } catch (java.io.IOException ignored) {
            // the read side reports the failure
          }
        }
      });
      TestApp.Received received = readToEnd(client.getInputStream());
      String sentDigest = sent.get(120, TimeUnit.SECONDS);
      TestApp.Received atApplication = echo.received().poll(30, TimeUnit.SECONDS);
      assertThat(atApplication).isEqualTo(new TestApp.Received(size, sentDigest));
      assertThat(received).isEqualTo(new TestApp.Received(size, sentDigest));
    }
  }

  @Test
  void aClientThatShutsItsOutputStillGetsTheResponse() throws Exception {
    byte[] request = new byte[1024 * 1024];
    new SplittableRandom(7).nextBytes(request);
    String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(request));
    try (Socket client = toReplier.connect()) {
      client.getOutputStream().write(request);
      client.shutdownOutput();
      assertThat(Clients.readToEnd(client))
          .isEqualTo("received " + request.length + " bytes sha256 " + digest + "\n");
    }
  }

  /**
   * The response starts only after the client's FIN has crossed both sidecars, and the client
   * does not read at first, so the sidecars' writes to the half-closed legs have to wait: the
   * case Netty 4.2's epoll transport failed (see {@link EpollReAddingIoHandler}).
   */
  @Test
  void aLargeResponseAfterTheClientsHalfCloseArrivesWhole() throws Exception {
    try (Socket client = toLargeReplier.connect()) {
      Clients.write(client, "send it all");
      client.shutdownOutput();
      // Not reading until the response is crossing: the sidecars' writes then have to wait.
      await("the response is on its way").atMost(Duration.ofSeconds(30)).until(() ->
          toLargeReplier.b.metric("palisade_transmitted_bytes_total",
              Map.of("direction", "inbound")) >= 1024 * 1024);
      assertThat(readToEnd(client.getInputStream())).isEqualTo(new TestApp.Received(
          TestApp.LARGE_REPLY_SIZE, HexFormat.of().formatHex(
              MessageDigest.getInstance("SHA-256").digest(TestApp.largeReply()))));
    }
  }

  @Test
  void theEchoAfterAHalfCloseEndsWithEndOfStream() throws Exception {
    try (Socket client = toEcho.connect()) {
      Clients.write(client, "last words");
      client.shutdownOutput();
      assertThat(Clients.readToEnd(client)).isEqualTo("last words");
    }
  }

  /** Writes {@code size} pseudo-random bytes; returns their SHA-256. */
  private static String send(OutputStream out, long size) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    SplittableRandom random = new SplittableRandom(42);
    byte[] chunk = new byte[256 * 1024];
    for (long written = 0; written < size; written += chunk.length) {
      random.nextBytes(chunk);
      sha.update(chunk);
      out.write(chunk);
    }
    out.flush();
    return HexFormat.of().formatHex(sha.digest());
  }

  /** Reads until the end of the stream: how many bytes, and their SHA-256. */
  private static TestApp.Received readToEnd(InputStream in) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    long total = 0;
    byte[] buffer = new byte[64 * 1024];
    for (int n; (n = in.read(buffer)) > 0; total += n) {
      digest.update(buffer, 0, n);
    }
    return new TestApp.Received(total, HexFormat.of().formatHex(digest.digest()));
  }
}
