package dev.palisade.sidecar.proxy;

import static dev.palisade.sidecar.testing.Metrics.handshake;
import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.sidecar.testing.Clients;
import dev.palisade.sidecar.testing.Mesh;
import dev.palisade.sidecar.testing.Sidecar;
import dev.palisade.sidecar.testing.TestApp;
import dev.palisade.sidecar.testing.TestApp.Behaviour;
import dev.palisade.sidecar.tls.TlsSettings;
import dev.palisade.testing.CommandLine;
import dev.palisade.testing.Openssl;
import dev.palisade.testing.TestCa;
import dev.palisade.testing.TestCa.PemFiles;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session resumption between two real proxies, counted in
 * {@code palisade_tls_resumed_handshakes_total}, and the two TLS flags a benchmark or a policy
 * turns: {@code --outbound-session-resumption=false} and {@code --key-exchange-groups}.
 */
class TlsTuningIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final TestCa CA = TestCa.create("cluster.local");
  private static final WorkloadIdentity FRONTEND = CA.identity("shop", "frontend");

  @TempDir
  static Path pems;

  private static TestApp echo;
  private static TestApp banner;

  @BeforeAll
  static void startTheApps() throws Exception {
    echo = TestApp.start(Behaviour.ECHO);
    banner = TestApp.start(Behaviour.BANNER);
  }

  @AfterAll
  static void stopTheApps() throws Exception {
    echo.close();
    banner.close();
  }

  @Test
  void aSecondConnectionResumesTheFirstOnesSessionAndBothSidesCountIt() throws Exception {
    try (Mesh mesh = Mesh.start(CA, echo.port(), InboundPolicy.strictDefault())) {
      connectTwice(mesh);

      assertThat(successes(mesh)).containsExactly(2.0, 2.0);
      assertThat(resumed(mesh)).containsExactly(1.0, 1.0);
    }
  }

  @Test
  void withoutOutboundResumptionEveryConnectionMakesAFullHandshake() throws Exception {
    try (Mesh mesh = Mesh.start(CA, echo.port(), InboundPolicy.strictDefault(),
        Optional.empty(), b -> { },
        a -> a.tls(TlsSettings.defaults(CA.trustDomain()).withOutboundResumption(false)))) {
      connectTwice(mesh);

      assertThat(successes(mesh)).containsExactly(2.0, 2.0);
      assertThat(resumed(mesh)).containsExactly(0.0, 0.0);
    }
  }

  @Test
  void aProxyPinnedToP256NegotiatesItAndRefusesAClientWithoutIt() {
    try (Sidecar sidecar = Sidecar.start(CA, "shop", "cart", new SidecarConfig("strict",
            InboundPolicy.strictDefault(), OutboundPolicy.passthrough()),
        FixedDestinationResolver.localPort(banner.port()), FixedDestinationResolver.localPort(1),
        builder -> builder.tls(TlsSettings.defaults(CA.trustDomain())
            .withGroups(List.of("P-256"))))) {
      PemFiles client = CA.write(CA.leaf(FRONTEND), pems, "p256");

      assertThat(sClient(sidecar, client, "X25519:P-256").output())
          .contains(TestApp.BANNER).contains("Server Temp Key: ECDH, prime256v1");
      assertThat(sClient(sidecar, client, "X25519").output()).doesNotContain(TestApp.BANNER)
          .contains("Cipher is (NONE)");
    }
  }

  /** Two connections one after the other, each carrying bytes both ways. */
  private static void connectTwice(Mesh mesh) throws Exception {
    for (int i = 1; i <= 2; i++) {
      try (Socket client = mesh.connect()) {
        Clients.write(client, "ping " + i + "\n");
        assertThat(Clients.readExactly(client, 7)).isEqualTo("ping " + i + "\n");
      }
    }
  }

  /** A's outbound and B's inbound successful handshakes. */
  private static List<Double> successes(Mesh mesh) {
    return List.of(
        mesh.a.metric("palisade_tls_handshakes_total", handshake("outbound", "success", "none")),
        mesh.b.metric("palisade_tls_handshakes_total", handshake("inbound", "success", "none")));
  }

  /** A's outbound and B's inbound resumed handshakes. */
  private static List<Double> resumed(Mesh mesh) {
    return List.of(
        mesh.a.metric("palisade_tls_resumed_handshakes_total", Map.of("direction", "outbound")),
        mesh.b.metric("palisade_tls_resumed_handshakes_total", Map.of("direction", "inbound")));
  }

  private static CommandLine.Result sClient(Sidecar sidecar, PemFiles client, String groups) {
    PemFiles bundle = CA.write(CA.leaf(FRONTEND), pems, "bundle-holder");
    List<String> args = new ArrayList<>(List.of("-tls1_3", "-groups", groups,
        "-CAfile", bundle.bundle().toString(), "-cert", client.chain().toString(),
        "-cert_chain", client.chain().toString(), "-key", client.key().toString()));
    CommandLine.Result result = Openssl.sClient(sidecar.inboundPort(), args, "", TIMEOUT);
    assertThat(result.timedOut()).as("s_client finished: %s", result.output()).isFalse();
    return result;
  }
}
