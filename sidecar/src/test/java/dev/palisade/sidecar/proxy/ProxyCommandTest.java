package dev.palisade.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.sidecar.SidecarContract;
import dev.palisade.sidecar.tls.TlsSettings.TlsVersion;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyCommandTest {

  @TempDir
  Path dir;

  @Test
  void flagsBecomeSettings() throws Exception {
    Path config = dir.resolve("config.json");
    Files.writeString(config, "{\"inbound\": {\"defaultMode\": \"PERMISSIVE\"}}");
    ProxyAssembly assembly = assemble(
        "--trust-domain=cluster.local", "--cert", "tls.crt", "--key=tls.key",
        "--ca-bundle=ca.crt", "--config=" + config, "--inbound-target-port=8080",
        "--outbound-target=10.0.0.7:443", "--admin-port=9901", "--handshake-timeout=2s",
        "--idle-timeout=30m", "--min-tls-version=1.2", "--listen-address=127.0.0.1",
        "--drain-timeout=1500ms");

    ProxySettings settings = assembly.settings();
    assertThat(settings.tls().trustDomain()).isEqualTo("cluster.local");
    assertThat(settings.tls().minVersion()).isEqualTo(TlsVersion.TLS_1_2);
    assertThat(settings.tls().protocols()).containsExactly("TLSv1.2", "TLSv1.3");
    assertThat(settings.sidecarConfig().inbound().defaultMode()).isEqualTo(MtlsMode.PERMISSIVE);
    assertThat(settings.adminPort()).isEqualTo(9901);
    assertThat(settings.inboundPort()).isEqualTo(SidecarContract.INBOUND_PORT);
    assertThat(settings.outboundPort()).isEqualTo(SidecarContract.OUTBOUND_PORT);
    assertThat(settings.handshakeTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.idleTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.drainTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(settings.listenAddress().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(settings.adminAddress()).as("every address, IPv6 and IPv4")
        .isEqualTo(ProxySettings.allAddresses());
    assertThat(settings.adminAddress().isAnyLocalAddress()).isTrue();
    assertThat(settings.transport()).isEqualTo(Transport.defaultTransport());
    assertThat(assembly.inbound().resolve(null))
        .isEqualTo(Optional.of(new InetSocketAddress("127.0.0.1", 8080)));
    assertThat(assembly.outbound().resolve(null))
        .isEqualTo(Optional.of(new InetSocketAddress("10.0.0.7", 443)));
  }

  @Test
  void withoutTargetsTheRedirectResolverIsUsed() {
    OriginalDestinationResolver redirected = channel -> Optional.empty();
    ProxyAssembly assembly = ProxyAssembly.of(ProxyCommand.parse(Map.of(), new String[] {
        "--trust-domain=td", "--cert=a", "--key=b", "--ca-bundle=c"}), redirected);
    assertThat(assembly.inbound()).isSameAs(redirected);
    assertThat(assembly.outbound()).isSameAs(redirected);
  }

  @Test
  void ephemeralPortsAreForEmbeddingAndAGivenPortStillWins() {
    ProxySettings settings = assemble("--trust-domain=td", "--cert=a", "--key=b",
        "--ca-bundle=c", "--inbound-target-port=1", "--outbound-target=10.0.0.1:1",
        "--ephemeral-ports", "--admin-port=15999").settings();
    assertThat(settings.inboundPort()).isZero();
    assertThat(settings.outboundPort()).isZero();
    assertThat(settings.adminPort()).isEqualTo(15999);
  }

  @Test
  void mistakesSayWhatIsWrong() {
    assertRefused("--trust-domain is required", "--cert=a", "--key=b", "--ca-bundle=c",
        "--inbound-target-port=1", "--outbound-target=10.0.0.1:1");
    assertRefused("Unknown option: '--trust-domian=td'", "--trust-domian=td");
    assertRefused("Invalid value for option '--handshake-timeout': not a duration: '10'",
        "--trust-domain=td", "--cert=a", "--key=b", "--ca-bundle=c", "--handshake-timeout=10");
    assertRefused("--inbound-target-port is required when running without iptables",
        "--trust-domain=td", "--cert=a", "--key=b", "--ca-bundle=c");
    assertRefused("--outbound-target: 'cart.shop' is not an IP address", "--trust-domain=td",
        "--cert=a", "--key=b", "--ca-bundle=c", "--inbound-target-port=1",
        "--outbound-target=cart.shop:80");
    assertRefused("unsupported TLS version '1.1'", "--trust-domain=td", "--cert=a", "--key=b",
        "--ca-bundle=c", "--inbound-target-port=1", "--outbound-target=10.0.0.1:1",
        "--min-tls-version=1.1");
    assertRefused("give --cert and --key, or --ca-endpoint", "--trust-domain=td",
        "--ca-bundle=c", "--inbound-target-port=1", "--outbound-target=10.0.0.1:1");
  }

  @Test
  void portZeroIsNotAPort() {
    assertRefused("Invalid value for option '--inbound-target-port': '0' is not a port (1..65535)",
        "--trust-domain=td", "--cert=a", "--key=b", "--ca-bundle=c", "--inbound-target-port=0",
        "--outbound-target=10.0.0.1:1");
    assertRefused("--outbound-target: '0' is not a port (1..65535)", "--trust-domain=td",
        "--cert=a", "--key=b", "--ca-bundle=c", "--inbound-target-port=1",
        "--outbound-target=10.0.0.1:0");
    assertRefused("Invalid value for option '--admin-port': '0' is not a port (1..65535)",
        "--trust-domain=td", "--cert=a", "--key=b", "--ca-bundle=c", "--admin-port=0");
    assertRefused("Invalid value for option '--inbound-port': '65536' is not a port (1..65535)",
        "--trust-domain=td", "--cert=a", "--key=b", "--ca-bundle=c", "--inbound-port=65536");
  }

  @Test
  void aBadPolicyFileIsAUsageErrorNamingTheFileAndThePath() throws Exception {
    Path config = dir.resolve("config.json");
    Files.writeString(config, "{\"inbound\": {\"defaultMode\": \"STRICT\", \"mode\": \"x\"}}");
    assertRefused(config + ": inbound.mode: unknown field", "--trust-domain=td", "--cert=a",
        "--key=b", "--ca-bundle=c", "--inbound-target-port=1", "--outbound-target=10.0.0.1:1",
        "--config=" + config);
  }

  @Test
  void badFlagsExitWithTwo() {
    assertThat(ProxyCommand.run(new String[] {"--nope=1"}, null)).isEqualTo(2);
    assertThat(ProxyCommand.run(new String[] {"--trust-domain=td"}, null))
        .as("missing flags found once parsed are usage errors too").isEqualTo(2);
  }

  private static ProxyAssembly assemble(String... args) {
    return ProxyAssembly.of(ProxyCommand.parse(Map.of(), args), null);
  }

  private static void assertRefused(String message, String... args) {
    assertThatThrownBy(() -> assemble(args))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
