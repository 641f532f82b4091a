package dev.palisade.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.common.policy.MtlsMode;
import dev.palisade.sidecar.tls.TlsSettings.TlsVersion;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    ProxyCommand.Invocation invocation = ProxyCommand.Invocation.parse(new String[] {
        "--trust-domain=cluster.local", "--cert", "tls.crt", "--key=tls.key",
        "--ca-bundle=ca.crt", "--config=" + config, "--inbound-target-port=8080",
        "--outbound-target=10.0.0.7:443", "--admin-port=9901", "--handshake-timeout=2s",
        "--idle-timeout=30m", "--min-tls-version=1.2", "--listen-address=127.0.0.1"}, null);

    ProxySettings settings = invocation.settings();
    assertThat(settings.tls().trustDomain()).isEqualTo("cluster.local");
    assertThat(settings.tls().minVersion()).isEqualTo(TlsVersion.TLS_1_2);
    assertThat(settings.tls().protocols()).containsExactly("TLSv1.2", "TLSv1.3");
    assertThat(settings.sidecarConfig().inbound().defaultMode()).isEqualTo(MtlsMode.PERMISSIVE);
    assertThat(settings.adminPort()).isEqualTo(9901);
    assertThat(settings.inboundPort()).isEqualTo(ProxySettings.INBOUND_PORT);
    assertThat(settings.handshakeTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.idleTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(settings.listenAddress().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(settings.transport()).isEqualTo(Transport.EPOLL);
    assertThat(invocation.inbound().resolve(null))
        .isEqualTo(Optional.of(new InetSocketAddress("127.0.0.1", 8080)));
    assertThat(invocation.outbound().resolve(null))
        .isEqualTo(Optional.of(new InetSocketAddress("10.0.0.7", 443)));
  }

  @Test
  void withoutTargetsTheRedirectResolverIsUsed() throws Exception {
    OriginalDestinationResolver redirected = channel -> Optional.empty();
    ProxyCommand.Invocation invocation = ProxyCommand.Invocation.parse(new String[] {
        "--trust-domain=td", "--cert=a", "--key=b", "--ca-bundle=c"}, redirected);
    assertThat(invocation.inbound()).isSameAs(redirected);
    assertThat(invocation.outbound()).isSameAs(redirected);
  }

  @Test
  void mistakesSayWhatIsWrong() {
    assertRefused("--trust-domain is required", "--cert=a", "--key=b", "--ca-bundle=c",
        "--inbound-target-port=1", "--outbound-target=10.0.0.1:1");
    assertRefused("unknown flag --trust-domian", "--trust-domian=td");
    assertRefused("--handshake-timeout: not a duration", "--trust-domain=td", "--cert=a",
        "--key=b", "--ca-bundle=c", "--handshake-timeout=10");
    assertRefused("--inbound-target-port is required when running without iptables",
        "--trust-domain=td", "--cert=a", "--key=b", "--ca-bundle=c");
    assertRefused("--outbound-target: 'cart.shop' is not an IP address", "--trust-domain=td",
        "--cert=a", "--key=b", "--ca-bundle=c", "--inbound-target-port=1",
        "--outbound-target=cart.shop:80");
    assertRefused("unsupported TLS version '1.1'", "--trust-domain=td", "--cert=a", "--key=b",
        "--ca-bundle=c", "--inbound-target-port=1", "--outbound-target=10.0.0.1:1",
        "--min-tls-version=1.1");
  }

  @Test
  void badFlagsExitWithTwo() {
    assertThat(ProxyCommand.run(new String[] {"--nope=1"})).isEqualTo(2);
  }

  private static void assertRefused(String message, String... args) {
    assertThatThrownBy(() -> ProxyCommand.Invocation.parse(args, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
