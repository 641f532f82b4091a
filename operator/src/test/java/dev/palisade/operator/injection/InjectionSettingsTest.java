package dev.palisade.operator.injection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InjectionSettingsTest {

  @Test
  void defaultsPointAtTheOperatorsServiceAndTheImagesTag() {
    InjectionSettings settings = InjectionSettings.fromEnvironment(Map.of(), "palisade-system",
        "palisade-operator", "cluster.local");

    assertThat(settings).isEqualTo(new InjectionSettings("palisade/sidecar:0.1.0", "IfNotPresent",
        "0.1.0", "100m", "192Mi", "https://palisade-operator.palisade-system.svc:443",
        "cluster.local"));
  }

  @Test
  void theChartsVariablesOverride() {
    InjectionSettings settings = InjectionSettings.fromEnvironment(Map.of(
        "PALISADE_SIDECAR_IMAGE", "registry:5000/palisade/sidecar:1.2.3",
        "PALISADE_SIDECAR_IMAGE_PULL_POLICY", "Always",
        "PALISADE_PROXY_CPU", "50m",
        "PALISADE_PROXY_MEMORY", "96Mi",
        "PALISADE_OPERATOR_ENDPOINT", "https://localhost:18443"), "ns", "svc", "td.example");

    assertThat(settings).isEqualTo(new InjectionSettings("registry:5000/palisade/sidecar:1.2.3",
        "Always", "1.2.3", "50m", "96Mi", "https://localhost:18443", "td.example"));
  }

  @Test
  void theVersionIsTheTagEvenWithARegistryPortOrADigest() {
    assertThat(InjectionSettings.tagOf("registry:5000/palisade/sidecar")).isEqualTo("latest");
    assertThat(InjectionSettings.tagOf("registry:5000/palisade/sidecar:0.2.0")).isEqualTo("0.2.0");
    assertThat(InjectionSettings.tagOf("palisade/sidecar:0.2.0@sha256:abcd")).isEqualTo("0.2.0");
  }

  @Test
  void badDefaultsStopTheOperatorWithTheVariablesName() {
    assertThatThrownBy(() -> InjectionSettings.fromEnvironment(
        Map.of("PALISADE_PROXY_MEMORY", "128MB"), "ns", "svc", "td"))
        .hasMessageStartingWith("PALISADE_PROXY_MEMORY: \"128MB\" is not a positive");
    assertThatThrownBy(() -> InjectionSettings.fromEnvironment(
        Map.of("PALISADE_SIDECAR_IMAGE_PULL_POLICY", "Sometimes"), "ns", "svc", "td"))
        .hasMessageContaining("must be Always, IfNotPresent or Never");
  }
}
