package dev.palisade.sidecar.proxy;

import static dev.palisade.sidecar.testing.Metrics.handshake;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.sidecar.testing.Clients;
import dev.palisade.sidecar.testing.Sidecar;
import dev.palisade.testing.TestCa;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A connection addressed to the proxy's own port (podIP:15006 reaches :15006 unredirected, its
 * original destination is the listener itself) is refused and counted as a loop in every mode,
 * instead of being relayed into the proxy again and again.
 */
class LoopIT {

  private static final TestCa CA = TestCa.create("cluster.local");
  /** What SO_ORIGINAL_DST says of a connection that iptables did not redirect: itself. */
  private static final OriginalDestinationResolver UNREDIRECTED = channel ->
      Optional.of((InetSocketAddress) channel.localAddress());

  @ParameterizedTest
  @EnumSource(MtlsMode.class)
  void aConnectionToTheProxysOwnInboundPortIsRefusedAsALoop(MtlsMode mode) throws Exception {
    SidecarConfig config = new SidecarConfig("loop", new InboundPolicy(mode, Map.of(), List.of()),
        OutboundPolicy.passthrough());
    try (Sidecar sidecar = Sidecar.start(CA, "shop", "cart", config, UNREDIRECTED,
        UNREDIRECTED)) {
      for (String direction : List.of("inbound", "outbound")) {
        int port = direction.equals("inbound") ? sidecar.inboundPort() : sidecar.outboundPort();
        try (Socket client = Clients.connect(port)) {
          assertThat(Clients.closedWithoutData(client)).as("closed without an answer").isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sidecar.metric(
            "palisade_tls_handshakes_total", handshake(direction, "failure", "loop_detected")))
            .isEqualTo(1.0));
        assertThat(sidecar.metric("palisade_connections_total", Map.of("direction", direction)))
            .as("no connection was relayed back into the proxy").isEqualTo(1.0);
      }
    }
  }
}
