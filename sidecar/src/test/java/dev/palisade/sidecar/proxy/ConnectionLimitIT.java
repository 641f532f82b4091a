package dev.palisade.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.sidecar.testing.Clients;
import dev.palisade.sidecar.testing.Metrics;
import dev.palisade.sidecar.testing.TestApp;
import dev.palisade.sidecar.testing.TestApp.Behaviour;
import dev.palisade.sidecar.testing.TestMaterial;
import dev.palisade.testing.TestCa;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Past --max-connections a new connection is refused and counted; the open ones carry on. */
class ConnectionLimitIT {

  private static final TestCa CA = TestCa.create("cluster.local");

  @Test
  void theConnectionPastTheLimitIsRefusedAndTheOthersKeepWorking() throws Exception {
    try (TestApp echo = TestApp.start(Behaviour.ECHO);
        ProxyRuntime runtime = ProxyRuntime.start(ProxySettings.builder("cluster.local")
                .ephemeral(InetAddress.getLoopbackAddress())
                .workerThreads(1)
                .maxConnections(2)
                .sidecarConfig(new SidecarConfig("limit", new InboundPolicy(MtlsMode.DISABLE,
                    Map.of(), List.of()), OutboundPolicy.passthrough()))
                .build(),
            FixedDestinationResolver.localPort(echo.port()), FixedDestinationResolver.localPort(1))) {
      runtime.tls().publish(TestMaterial.of(CA, "shop", "cart"));
      int port = runtime.inboundAddress().getPort();
      try (Socket first = Clients.connect(port); Socket second = Clients.connect(port)) {
        for (Socket open : List.of(first, second)) {
          Clients.write(open, "ping\n");
          assertThat(Clients.readExactly(open, 5)).isEqualTo("ping\n");
        }

        try (Socket third = Clients.connect(port)) {
          assertThat(Clients.closedWithoutData(third)).isTrue();
        }
        assertThat(Metrics.value(runtime.adminAddress(), "palisade_tls_handshakes_total",
            Metrics.handshake("inbound", "failure", "overloaded"))).isEqualTo(1);
        Clients.write(first, "still\n");
        assertThat(Clients.readExactly(first, 6)).isEqualTo("still\n");
      }

      await("the two connections are closed").atMost(Duration.ofSeconds(10)).until(() ->
          Metrics.value(runtime.adminAddress(), "palisade_connections_active",
              Map.of("direction", "inbound")) == 0);
      try (Socket next = Clients.connect(port)) {
        Clients.write(next, "again\n");
        assertThat(Clients.readExactly(next, 6)).isEqualTo("again\n");
      }
    }
  }
}
