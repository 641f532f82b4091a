package dev.palisade.sidecar.proxy;

import static dev.palisade.sidecar.testing.AccessRules.rule;
import static dev.palisade.sidecar.testing.Metrics.handshake;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.policy.PolicyAction;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.sidecar.testing.Clients;
import dev.palisade.sidecar.testing.Mesh;
import dev.palisade.sidecar.testing.Sidecar;
import dev.palisade.sidecar.testing.TestApp;
import dev.palisade.sidecar.testing.TestApp.Behaviour;
import dev.palisade.testing.TestCa;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** mTLS modes per port and access policy on the inbound listener, over real sockets. */
class InboundModesAndPolicyIT {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final TestCa CA = TestCa.create("cluster.local");
  private static final String FRONTEND = "spiffe://cluster.local/ns/shop/sa/frontend";

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
  void strictRefusesPlaintextAndCountsIt() throws Exception {
    try (Sidecar sidecar = inboundOnly(InboundPolicy.strictDefault(), Duration.ofSeconds(10))) {
      double before = inbound(sidecar, "failure", "plaintext_rejected");
      try (Socket client = Clients.connect(sidecar.inboundPort())) {
        Clients.write(client, "GET / HTTP/1.1\r\nHost: cart\r\n\r\n");
        assertThat(Clients.closedWithoutData(client)).isTrue();
      }
      await().atMost(WAIT).until(() ->
          inbound(sidecar, "failure", "plaintext_rejected") == before + 1);
    }
  }

  @Test
  void permissiveAcceptsPlaintextAndMutualTlsAndCountsEach() throws Exception {
    InboundPolicy permissive = new InboundPolicy(MtlsMode.PERMISSIVE, Map.of(), List.of());
    try (Mesh mesh = Mesh.start(CA, echo.port(), permissive)) {
      try (Socket plain = Clients.connect(mesh.b.inboundPort())) {
        Clients.write(plain, "plain hello");
        assertThat(Clients.readExactly(plain, 11)).isEqualTo("plain hello");
      }
      try (Socket viaMesh = mesh.connect()) {
        Clients.write(viaMesh, "mtls hello");
        assertThat(Clients.readExactly(viaMesh, 10)).isEqualTo("mtls hello");
      }
      assertThat(inbound(mesh.b, "plaintext", "permissive")).isEqualTo(1);
      assertThat(inbound(mesh.b, "success", "none")).isEqualTo(1);
      assertThat(decisions(mesh.b, "allow")).isEqualTo(2);
    }
  }

  @Test
  void permissiveTakesASilentClientForAServerSpeaksFirstProtocol() throws Exception {
    TestApp banner = TestApp.start(Behaviour.BANNER);
    InboundPolicy permissive = new InboundPolicy(MtlsMode.PERMISSIVE, Map.of(), List.of());
    try (banner; Sidecar sidecar = Sidecar.start(CA, "shop", "db",
        new SidecarConfig("p", permissive, OutboundPolicy.passthrough()),
        FixedDestinationResolver.localPort(banner.port()), FixedDestinationResolver.localPort(1),
        settings -> settings.protocolDetectionTimeout(Duration.ofMillis(200)));
        Socket client = Clients.connect(sidecar.inboundPort())) {
      assertThat(Clients.readToEnd(client)).isEqualTo(TestApp.BANNER + "\n");
    }
  }

  @Test
  void disablePassesBytesThroughPerPort() throws Exception {
    InboundPolicy disabledForEcho = new InboundPolicy(MtlsMode.STRICT,
        Map.of(echo.port(), MtlsMode.DISABLE), List.of());
    try (Sidecar sidecar = inboundOnly(disabledForEcho, Duration.ofSeconds(10));
        Socket client = Clients.connect(sidecar.inboundPort())) {
      Clients.write(client, "raw");
      assertThat(Clients.readExactly(client, 3)).isEqualTo("raw");
      assertThat(inbound(sidecar, "plaintext", "disabled")).isEqualTo(1);
    }
  }

  @Test
  void aDenyRuleClosesTheConnectionAndIsCounted() throws Exception {
    InboundPolicy denyFrontend = new InboundPolicy(MtlsMode.STRICT, Map.of(), List.of(
        rule("shop/deny-frontend", PolicyAction.DENY, FRONTEND)));
    try (Mesh mesh = Mesh.start(CA, echo.port(), denyFrontend);
        Socket client = mesh.connect()) {
      Clients.write(client, "let me in");
      assertThat(Clients.closedWithoutData(client)).isTrue();
      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(inbound(mesh.b, "failure", "policy_denied")).isEqualTo(1);
        assertThat(decisions(mesh.b, "deny")).isEqualTo(1);
      });
      assertThat(inbound(mesh.b, "success", "none")).isZero();
    }
  }

  @Test
  void anAllowRuleThatDoesNotMatchDeniesPlaintextOnAPermissivePort() throws Exception {
    InboundPolicy onlyFrontend = new InboundPolicy(MtlsMode.PERMISSIVE, Map.of(), List.of(
        rule("shop/allow-frontend", PolicyAction.ALLOW, FRONTEND)));
    try (Sidecar sidecar = inboundOnly(onlyFrontend, Duration.ofSeconds(10));
        Socket client = Clients.connect(sidecar.inboundPort())) {
      Clients.write(client, "anonymous");
      assertThat(Clients.closedWithoutData(client)).isTrue();
      await().atMost(WAIT).until(() -> inbound(sidecar, "failure", "policy_denied") == 1);
    }
  }

  @Test
  void anAuditRuleLetsTheConnectionThroughAndIsCounted() throws Exception {
    InboundPolicy auditFrontend = new InboundPolicy(MtlsMode.STRICT, Map.of(), List.of(
        rule("shop/audit-frontend", PolicyAction.AUDIT, FRONTEND)));
    try (Mesh mesh = Mesh.start(CA, echo.port(), auditFrontend);
        Socket client = mesh.connect()) {
      Clients.write(client, "watched");
      assertThat(Clients.readExactly(client, 7)).isEqualTo("watched");
      assertThat(decisions(mesh.b, "audit")).isEqualTo(1);
      assertThat(decisions(mesh.b, "allow")).isZero();
    }
  }

  @Test
  void aClientThatStallsIsClosedAtTheHandshakeTimeout() throws Exception {
    try (Sidecar sidecar = inboundOnly(InboundPolicy.strictDefault(), Duration.ofMillis(300))) {
      try (Socket silent = Clients.connect(sidecar.inboundPort())) {
        assertThat(Clients.closedWithoutData(silent)).isTrue();
      }
      try (Socket halfHello = Clients.connect(sidecar.inboundPort())) {
        // A TLS record header, then nothing: detected as TLS, stalls in the handshake.
        halfHello.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x40});
        assertThat(Clients.closedWithoutData(halfHello)).isTrue();
      }
      await().atMost(WAIT).until(() ->
          inbound(sidecar, "failure", "handshake_timeout") == 2);
    }
  }

  @Test
  void aTcpProbeThatConnectsAndLeavesIsNotCountedAsAFailure() throws Exception {
    try (Sidecar sidecar = inboundOnly(InboundPolicy.strictDefault(), Duration.ofSeconds(10))) {
      try (Socket probe = Clients.connect(sidecar.inboundPort())) {
        probe.shutdownOutput();
        assertThat(Clients.closedWithoutData(probe)).isTrue();
      }
      await().atMost(WAIT).until(() -> sidecar.metric("palisade_connections_active",
          Map.of("direction", "inbound")) == 0);
      assertThat(sidecar.metric("palisade_tls_handshakes_total",
          Map.of("direction", "inbound", "result", "failure"))).isZero();
    }
  }

  private static Sidecar inboundOnly(InboundPolicy policy, Duration handshakeTimeout) {
    return Sidecar.start(CA, "shop", "cart",
        new SidecarConfig("test", policy, OutboundPolicy.passthrough()),
        FixedDestinationResolver.localPort(echo.port()), FixedDestinationResolver.localPort(1),
        settings -> settings.handshakeTimeout(handshakeTimeout));
  }


  private static double inbound(Sidecar sidecar, String result, String reason) {
    return sidecar.metric("palisade_tls_handshakes_total", handshake("inbound", result, reason));
  }

  private static double decisions(Sidecar sidecar, String decision) {
    return sidecar.metric("palisade_authz_decisions_total",
        Map.of("direction", "inbound", "decision", decision));
  }
}
