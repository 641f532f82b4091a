package dev.palisade.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.common.sidecar.SidecarContract.Env;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The injected pod's environment (SidecarSpec) becomes the proxy's flags. */
class ProxyEnvironmentTest {

  private static final Map<String, String> INJECTED = Map.of(
      Env.OPERATOR_ENDPOINT, "https://palisade-operator.palisade-system.svc:443",
      Env.TRUST_DOMAIN, "cluster.local",
      Env.TOKEN_FILE, "/var/run/secrets/palisade/token",
      Env.TRUST_BUNDLE_FILE, "/var/run/secrets/palisade/ca.crt",
      Env.POD_NAME, "checkout-0",
      Env.TERMINATION_GRACE_PERIOD_SECONDS, "30");

  /** What the injected container runs: {@code palisade-proxy proxy}, no other argument. */
  @Test
  void anInjectedPodTalksToTheOperatorForItsCertificateAndPolicy() {
    ProxyCommand flags = ProxyCommand.parse(INJECTED, new String[0]);

    assertThat(flags.trustDomain).isEqualTo("cluster.local");
    assertThat(flags.caBundle).isEqualTo(Path.of("/var/run/secrets/palisade/ca.crt"));
    assertThat(flags.tokenFile).isEqualTo(Path.of("/var/run/secrets/palisade/token"));
    assertThat(flags.podName).isEqualTo("checkout-0");
    assertThat(ProxyAssembly.caEndpoint(flags)).isEqualTo(
        URI.create("https://palisade-operator.palisade-system.svc:443/v1/certificates"));
    assertThat(ProxyAssembly.configEndpoint(flags))
        .isEqualTo(URI.create("https://palisade-operator.palisade-system.svc:443/"));
    ProxyAssembly assembly = ProxyAssembly.of(flags, channel -> null);
    assertThat(assembly.podName()).isEqualTo("checkout-0");
    assertThat(assembly.settings().operator()).isEqualTo(ProxyAssembly.configEndpoint(flags));
  }

  @Test
  void theDrainIsBoundedByThePodsGracePeriod() {
    assertThat(drain(INJECTED)).isEqualTo(Duration.ofSeconds(28));
    assertThat(drain(with(Env.TERMINATION_GRACE_PERIOD_SECONDS, "3")))
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(drain(with(Env.TERMINATION_GRACE_PERIOD_SECONDS, "600")))
        .as("capped").isEqualTo(Duration.ofSeconds(30));
    assertThat(drain(with(Env.TERMINATION_GRACE_PERIOD_SECONDS, "")))
        .as("unset: the fixed drain of a proxy run by hand").isEqualTo(Duration.ofSeconds(5));
    assertThat(drain(INJECTED, "--drain-timeout=45s")).as("a flag wins")
        .isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void flagsWinAndStaticFilesKeepTheOperatorOut() {
    ProxyCommand flags = ProxyCommand.parse(INJECTED, new String[] {
        "--trust-domain=other.test", "--cert=/c", "--key=/k", "--config=/policy.json"});
    assertThat(flags.trustDomain).isEqualTo("other.test");
    assertThat(ProxyAssembly.caEndpoint(flags)).isNull();
    assertThat(ProxyAssembly.configEndpoint(flags)).isNull();
  }

  @Test
  void withoutTheEnvironmentNothingIsAdded() {
    ProxyCommand flags = ProxyCommand.parse(Map.of(), new String[] {"--cert=/c"});
    assertThat(flags.trustDomain).isNull();
    assertThat(flags.caBundle).isNull();
    assertThat(flags.terminationGracePeriodSeconds).isNull();
    assertThat(ProxyAssembly.caEndpoint(flags)).isNull();
    assertThat(ProxyAssembly.configEndpoint(flags)).isNull();
  }

  private static Duration drain(Map<String, String> environment, String... args) {
    return ProxyAssembly.of(ProxyCommand.parse(environment, args),
        channel -> null).settings().drainTimeout();
  }

  private static Map<String, String> with(String name, String value) {
    Map<String, String> environment = new HashMap<>(INJECTED);
    environment.put(name, value);
    return environment;
  }
}
