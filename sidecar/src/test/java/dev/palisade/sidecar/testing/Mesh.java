package dev.palisade.sidecar.testing;

import dev.palisade.testing.TestCa;
import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.sidecar.proxy.FixedDestinationResolver;
import dev.palisade.sidecar.proxy.ProxySettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Two sidecars and an application, all on loopback: client -> A :15001 (outbound) -> mTLS ->
 * B :15006 (inbound) -> application. A is {@code shop/frontend}, B is {@code shop/cart}; A's
 * outbound policy says B's inbound address must present B's identity (or {@code expectedOverride}).
 */
public final class Mesh implements AutoCloseable {

  public final Sidecar a;
  public final Sidecar b;

  private Mesh(Sidecar a, Sidecar b) {
    this.a = a;
    this.b = b;
  }

  public static Mesh start(TestCa ca, int applicationPort, InboundPolicy bInbound) {
    return start(ca, applicationPort, bInbound, Optional.empty());
  }

  public static Mesh start(TestCa ca, int applicationPort, InboundPolicy bInbound,
      Optional<SpiffeId> expectedOverride) {
    return start(ca, applicationPort, bInbound, expectedOverride, settings -> { });
  }

  /** @param bSettings more settings for B, such as a certificate source of its own */
  public static Mesh start(TestCa ca, int applicationPort, InboundPolicy bInbound,
      Optional<SpiffeId> expectedOverride, Consumer<ProxySettings.Builder> bSettings) {
    return start(ca, applicationPort, bInbound, expectedOverride, bSettings, settings -> { });
  }

  /** @param aSettings more settings for A, the client side */
  public static Mesh start(TestCa ca, int applicationPort, InboundPolicy bInbound,
      Optional<SpiffeId> expectedOverride, Consumer<ProxySettings.Builder> bSettings,
      Consumer<ProxySettings.Builder> aSettings) {
    Sidecar b = Sidecar.start(ca, "shop", "cart",
        new SidecarConfig("b", bInbound, OutboundPolicy.passthrough()),
        FixedDestinationResolver.localPort(applicationPort),
        FixedDestinationResolver.localPort(1),
        // A loaded test machine must not delay A's ClientHello into "silent, so plaintext".
        settings -> bSettings.accept(
            settings.protocolDetectionTimeout(Duration.ofSeconds(10))));
    InetSocketAddress bInboundAddress = b.runtime().inboundAddress();
    SpiffeId expected = expectedOverride.orElse(b.identity().toSpiffeId());
    Sidecar a = Sidecar.start(ca, "shop", "frontend",
        new SidecarConfig("a", InboundPolicy.strictDefault(), new OutboundPolicy(
            Map.of("127.0.0.1:" + bInboundAddress.getPort(), expected), false)),
        FixedDestinationResolver.localPort(1),
        new FixedDestinationResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(),
            bInboundAddress.getPort())), aSettings);
    return new Mesh(a, b);
  }

  /** A client connection to A's outbound listener, reads bounded by 30 s. */
  public Socket connect() throws IOException {
    return Clients.connect(a.outboundPort());
  }

  @Override
  public void close() {
    a.close();
    b.close();
  }
}
