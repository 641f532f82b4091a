package dev.palisade.sidecar.proxy;

import static dev.palisade.sidecar.testing.AccessRules.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.policy.PolicyAction;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.sidecar.testing.Clients;
import dev.palisade.sidecar.testing.Mesh;
import dev.palisade.sidecar.testing.TestApp;
import dev.palisade.sidecar.testing.TestApp.Behaviour;
import dev.palisade.testing.TestCa;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Established connections against a new configuration, on real sockets between two proxies: a
 * DENY for the peer, or a port moved to STRICT under a plaintext connection, closes them at
 * once; a change that still admits them leaves them open.
 */
class LiveEnforcementIT {

  private static final Duration WAIT = Duration.ofSeconds(2);
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
  void aDenyForThePeerCutsItsEstablishedConnectionWithinTwoSeconds() throws Exception {
    try (Mesh mesh = Mesh.start(CA, echo.port(), InboundPolicy.strictDefault());
        Socket held = mesh.connect()) {
      roundTrip(held, "before");

      mesh.b.runtime().updateConfig(config("allow-all", new InboundPolicy(MtlsMode.STRICT,
          Map.of(), List.of(rule("shop/others", PolicyAction.DENY,
              "spiffe://cluster.local/ns/shop/sa/someone-else"))), "v2"));
      roundTrip(held, "still admitted");

      mesh.b.runtime().updateConfig(config("deny", new InboundPolicy(MtlsMode.STRICT, Map.of(),
          List.of(rule("shop/deny-frontend", PolicyAction.DENY, FRONTEND))), "v3"));

      await("cut").atMost(WAIT).until(() -> Clients.closedWithoutData(held));
      assertThat(terminated(mesh, "policy_denied")).isEqualTo(1);
      try (Socket next = mesh.connect()) {
        assertThat(Clients.closedWithoutData(next)).as("new connections are refused too")
            .isTrue();
      }
    }
  }

  @Test
  void aPortMovedToStrictCutsItsPlaintextConnectionsButNotItsMutualTlsOnes() throws Exception {
    InboundPolicy permissive = new InboundPolicy(MtlsMode.PERMISSIVE, Map.of(), List.of());
    try (Mesh mesh = Mesh.start(CA, echo.port(), permissive);
        Socket plain = Clients.connect(mesh.b.inboundPort());
        Socket mtls = mesh.connect()) {
      roundTrip(plain, "plain");
      roundTrip(mtls, "mtls");

      mesh.b.runtime().updateConfig(config("strict", InboundPolicy.strictDefault(), "v2"));

      await("plaintext cut").atMost(WAIT).until(() -> Clients.closedWithoutData(plain));
      roundTrip(mtls, "mtls still flows");
      assertThat(terminated(mesh, "mtls_required")).isEqualTo(1);
    }
  }

  @Test
  void aWorkloadThatDrainsKeepsItsConnectionForTheDrainPeriodThenLosesIt() throws Exception {
    try (Mesh mesh = Mesh.start(CA, echo.port(), InboundPolicy.strictDefault());
        Socket held = mesh.connect()) {
      roundTrip(held, "before");

      mesh.b.runtime().updateConfig(config("deny-after-drain", new InboundPolicy(MtlsMode.STRICT,
          Map.of(), List.of(rule("shop/deny-frontend", PolicyAction.DENY, FRONTEND)))
          .withDrainOnPolicyChange(Duration.ofSeconds(1)), "v2"));

      roundTrip(held, "still draining");
      assertThat(terminated(mesh, "policy_denied")).isZero();
      await("cut after the drain").atMost(Duration.ofSeconds(5))
          .until(() -> Clients.closedWithoutData(held));
      assertThat(terminated(mesh, "policy_denied")).isEqualTo(1);
    }
  }

  private static void roundTrip(Socket socket, String text) throws IOException {
    Clients.write(socket, text);
    assertThat(Clients.readExactly(socket, text.length())).isEqualTo(text);
  }

  private static double terminated(Mesh mesh, String reason) {
    return mesh.b.metric("palisade_connections_terminated_total",
        Map.of("direction", "inbound", "reason", reason));
  }

  private static SidecarConfig config(String name, InboundPolicy inbound, String version) {
    return new SidecarConfig(version + "-" + name, inbound, OutboundPolicy.passthrough());
  }

}
