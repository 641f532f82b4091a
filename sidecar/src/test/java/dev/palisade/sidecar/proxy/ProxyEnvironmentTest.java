package dev.palisade.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The injected pod's environment (SidecarSpec) becomes the proxy's flags. */
class ProxyEnvironmentTest {

  private static final Map<String, String> INJECTED = Map.of(
      "PALISADE_OPERATOR_ENDPOINT", "https://palisade-operator.palisade-system.svc:443",
      "PALISADE_TRUST_DOMAIN", "cluster.local",
      "PALISADE_TOKEN_FILE", "/var/run/palisade/identity/token",
      "PALISADE_TRUST_BUNDLE_FILE", "/var/run/palisade/identity/ca.crt",
      "POD_NAME", "checkout-0");

  @Test
  void anInjectedPodTalksToTheOperatorForItsCertificateAndPolicy() {
    assertThat(ProxyCommand.withEnvironmentDefaults(Map.of(), INJECTED)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "trust-domain", "cluster.local",
        "ca-bundle", "/var/run/palisade/identity/ca.crt",
        "ca-endpoint", "https://palisade-operator.palisade-system.svc:443/v1/certificates",
        "token-file", "/var/run/palisade/identity/token",
        "config-endpoint", "https://palisade-operator.palisade-system.svc:443",
        "pod-name", "checkout-0"));
  }

  @Test
  void flagsWinAndStaticFilesKeepTheOperatorOut() {
    var merged = ProxyCommand.withEnvironmentDefaults(Map.of("trust-domain", "other.test",
        "cert", "/c", "key", "/k"), INJECTED);
    assertThat(merged).containsEntry("trust-domain", "other.test")
        .doesNotContainKeys("ca-endpoint", "config-endpoint");
  }

  @Test
  void withoutTheEnvironmentNothingIsAdded() {
    assertThat(ProxyCommand.withEnvironmentDefaults(Map.of("cert", "/c"), Map.of()))
        .containsExactly(Map.entry("cert", "/c"));
  }
}
