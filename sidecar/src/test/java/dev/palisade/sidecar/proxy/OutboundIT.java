package dev.palisade.sidecar.proxy;

import static dev.palisade.sidecar.testing.Metrics.handshake;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.sidecar.testing.Clients;
import dev.palisade.sidecar.testing.Mesh;
import dev.palisade.sidecar.testing.Sidecar;
import dev.palisade.sidecar.testing.TestApp;
import dev.palisade.sidecar.testing.TestApp.Behaviour;
import dev.palisade.testing.TestCa;
import dev.palisade.sidecar.tls.TlsMaterial;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The outbound listener: exact server identity for mesh destinations, plaintext otherwise. */
class OutboundIT {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final TestCa CA = TestCa.create("cluster.local");

  private static TestApp echo;

  @BeforeAll
  static void start() throws Exception {
    echo = TestApp.start(Behaviour.ECHO);
  }

  @AfterAll
  static void stop() throws Exception {
    echo.close();
  }

  @Test
  void aServerPresentingAnotherIdentityIsRefusedAndCounted() throws Exception {
    SpiffeId expected = SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/payments");
    try (Mesh mesh = Mesh.start(CA, echo.port(), InboundPolicy.strictDefault(),
        Optional.of(expected)); Socket client = mesh.connect()) {
      Clients.write(client, "card number");
      assertThat(Clients.closedWithoutData(client)).isTrue();
      await().atMost(WAIT).until(() ->
          outbound(mesh.a, "failure", "identity_mismatch") == 1);
      assertThat(outbound(mesh.a, "success", "none")).isZero();
    }
  }

  @Test
  void aDestinationOutsideTheMeshIsRefusedWhenMtlsIsRequired() throws Exception {
    try (Sidecar sidecar = outboundTo(new OutboundPolicy(Map.of(), true));
        Socket client = Clients.connect(sidecar.outboundPort())) {
      Clients.write(client, "hello");
      assertThat(Clients.closedWithoutData(client)).isTrue();
      await().atMost(WAIT).until(() ->
          outbound(sidecar, "failure", "plaintext_rejected") == 1);
    }
  }

  @Test
  void aDestinationOutsideTheMeshGetsPlaintextOtherwise() throws Exception {
    try (Sidecar sidecar = outboundTo(OutboundPolicy.passthrough());
        Socket client = Clients.connect(sidecar.outboundPort())) {
      Clients.write(client, "hello");
      assertThat(Clients.readExactly(client, 5)).isEqualTo("hello");
      assertThat(outbound(sidecar, "plaintext", "not_meshed")).isEqualTo(1);
    }
  }

  @Test
  void aMeshDestinationThatDoesNotSpeakTlsIsAProtocolError() throws Exception {
    // The policy says the echo server is in the mesh; it echoes our ClientHello back.
    SpiffeId cart = CA.identity("shop", "cart").toSpiffeId();
    try (Sidecar sidecar = outboundTo(new OutboundPolicy(
        Map.of("127.0.0.1:" + echo.port(), cart), false));
        Socket client = Clients.connect(sidecar.outboundPort())) {
      Clients.write(client, "hello");
      assertThat(Clients.closedWithoutData(client)).isTrue();
      await().atMost(WAIT).until(() -> outbound(sidecar, "failure", "protocol_error") == 1);
    }
  }

  @Test
  void aServerCertificateTheClientDoesNotTrustFailsOnBothSidesWithTheirOwnReasons()
      throws Exception {
    // B moved to a new CA its clients have not heard of yet (a rotation that did not
    // propagate): A finds no trusted chain, and B hears A's unknown_ca alert.
    TestCa newCa = TestCa.create("cluster.local");
    TestCa.Leaf rotated = newCa.leaf(CA.identity("shop", "cart"));
    try (Mesh mesh = Mesh.start(CA, echo.port(), InboundPolicy.strictDefault())) {
      mesh.b.runtime().tls().publish(new TlsMaterial(rotated.chain(),
          rotated.keys().getPrivate(), List.of(newCa.rootCertificate(), CA.rootCertificate())));
      try (Socket client = mesh.connect()) {
        Clients.write(client, "hello");
        assertThat(Clients.closedWithoutData(client)).isTrue();
      }
      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(outbound(mesh.a, "failure", "untrusted_chain")).isEqualTo(1);
        assertThat(mesh.b.metric("palisade_tls_handshakes_total",
            handshake("inbound", "failure", "peer_rejected"))).isEqualTo(1);
      });
    }
  }

  private static Sidecar outboundTo(OutboundPolicy policy) {
    return Sidecar.start(CA, "shop", "frontend",
        new SidecarConfig("test", InboundPolicy.strictDefault(), policy),
        FixedDestinationResolver.localPort(1), FixedDestinationResolver.localPort(echo.port()));
  }

  private static double outbound(Sidecar sidecar, String result, String reason) {
    return sidecar.metric("palisade_tls_handshakes_total", handshake("outbound", result, reason));
  }
}
