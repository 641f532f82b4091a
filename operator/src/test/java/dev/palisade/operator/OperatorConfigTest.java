package dev.palisade.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorConfigTest {

  @Test
  void withoutEnvironmentTheNamesAreThoseOfReleasePalisade() {
    OperatorConfig config = OperatorConfig.fromEnvironment(Map.of());

    assertThat(config.namespace()).isEqualTo("palisade-system");
    assertThat(config.serviceAccount()).isEqualTo("palisade-operator");
    assertThat(config.serviceName()).isEqualTo("palisade-operator");
    assertThat(config.webhookConfiguration()).isEqualTo("palisade-inject");
    assertThat(config.leaseName()).isEqualTo("palisade-operator");
    assertThat(config.httpsPort()).isEqualTo(8443);
    assertThat(config.webhookPort()).as("a listener of its own").isEqualTo(8444);
    assertThat(config.certificateLimits())
        .isEqualTo(dev.palisade.operator.ca.CertificateLimits.DEFAULTS);
    assertThat(config.operatorSettings()).isEqualTo(new PalisadeOperator.Settings(
        "palisade-system", Duration.ofMinutes(10), true, "cluster.local"));
  }

  @Test
  void theChartsReleaseScopedNamesComeFromTheEnvironment() {
    OperatorConfig config = OperatorConfig.fromEnvironment(Map.of(
        "PALISADE_NAMESPACE", "team-a",
        "PALISADE_SERVICE_ACCOUNT", "mesh-palisade-operator",
        "PALISADE_SERVICE_NAME", "mesh-palisade-operator",
        "PALISADE_WEBHOOK_CONFIGURATION", "mesh-palisade-inject",
        "PALISADE_LEASE_NAME", "mesh-palisade-operator",
        "PALISADE_LEADER_ELECTION", "false"));

    assertThat(config.operatorSettings()).isEqualTo(new PalisadeOperator.Settings("team-a",
        Duration.ofMinutes(10), false, "cluster.local", "mesh-palisade-inject",
        "mesh-palisade-operator"));
    assertThat(config.dnsNames()).contains("mesh-palisade-operator.team-a.svc");
    assertThat(config.injection().operatorEndpoint())
        .isEqualTo("https://mesh-palisade-operator.team-a.svc:443");
  }
}
