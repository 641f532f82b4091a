package dev.palisade.operator.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.common.pki.KeyType;
import dev.palisade.operator.ca.CaSettings.GeneratedRoot;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CaSecretsTest {

  private static final Instant NOW = Instant.parse("2026-11-27T00:00:00Z");
  private static final CaSettings SETTINGS = new CaSettings("cluster.local",
      new GeneratedRoot(KeyType.ECDSA_P256, Duration.ofDays(3650), Duration.ofDays(365)),
      KeyType.ECDSA_P256, Duration.ofDays(90), Duration.ofDays(30), Duration.ofHours(24),
      Duration.ofMinutes(10));

  @Test
  void stateRoundTripsThroughTheSecret() {
    CaState state = RotationPlanner.plan(Optional.empty(), SETTINGS, NOW).state();
    var secret = CaSecrets.toSecret("palisade-system", "cluster.local", state, true);

    assertThat(secret.getMetadata().getName()).isEqualTo("palisade-ca-cluster.local");
    assertThat(secret.getType()).isEqualTo("palisade.dev/ca");
    assertThat(secret.getMetadata().getLabels()).containsEntry("palisade.dev/ca", "true");
    CaState read = CaSecrets.fromSecret(secret);
    assertThat(read.roots()).isEqualTo(state.roots());
    assertThat(read.newestRootKey()).isEqualTo(state.newestRootKey());
    assertThat(read.issuer().certificate()).isEqualTo(state.issuer().certificate());
    assertThat(read.issuer().key()).isEqualTo(state.issuer().key());
    assertThat(read.issuer().root()).isEqualTo(state.newestRoot());
    assertThat(read.newestRootAddedAt()).isEqualTo(state.newestRootAddedAt());
    assertThat(read.workloadLifetime()).isEqualTo(Duration.ofHours(24));
    assertThat(CaSecrets.trustDomain(secret)).isEqualTo("cluster.local");
  }

  @Test
  void anImportedRootsKeyIsNotWritten() {
    CaState state = RotationPlanner.plan(Optional.empty(), SETTINGS, NOW).state();
    var secret = CaSecrets.toSecret("palisade-system", "td", state, false);
    assertThat(secret.getData()).doesNotContainKey("root.key");
    assertThat(CaSecrets.fromSecret(secret).newestRootKey()).isNull();
  }

  @Test
  void aDamagedSecretSaysWhatIsMissing() {
    CaState state = RotationPlanner.plan(Optional.empty(), SETTINGS, NOW).state();
    var secret = CaSecrets.toSecret("palisade-system", "td", state, true);
    secret.getData().remove("issuer.key");
    assertThatThrownBy(() -> CaSecrets.fromSecret(secret)).hasMessageContaining("issuer.key");
  }
}
