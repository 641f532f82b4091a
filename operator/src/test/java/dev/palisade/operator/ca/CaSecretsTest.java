package dev.palisade.operator.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.common.pki.KeyType;
import dev.palisade.common.pki.Pem;
import dev.palisade.operator.ca.CaSettings.GeneratedRoot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CaSecretsTest {

  private static final Instant NOW = Instant.parse("2026-11-27T00:00:00Z");
  private static final CaSettings SETTINGS = new CaSettings("cluster.local",
      new GeneratedRoot(KeyType.ECDSA_P256, Duration.ofDays(3650), Duration.ofDays(365)),
      KeyType.ECDSA_P256, Duration.ofDays(90), Duration.ofDays(30), Duration.ofHours(24),
      Duration.ofMinutes(10));

  @Test
  void stateRoundTripsThroughTheTwoSecrets() {
    CaState state = RotationPlanner.plan(Optional.empty(), SETTINGS, NOW).state();
    var secret = CaSecrets.toSecret("palisade-system", "cluster.local", state);
    var rootSecret = CaSecrets.toRootSecret("palisade-system", "cluster.local", state, true)
        .orElseThrow();

    assertThat(secret.getMetadata().getName()).isEqualTo("palisade-ca-cluster.local");
    assertThat(secret.getType()).isEqualTo("palisade.dev/ca");
    assertThat(secret.getMetadata().getLabels()).containsEntry("palisade.dev/ca", "true");
    assertThat(secret.getData()).as("every replica reads it: no root key")
        .doesNotContainKey("root.key");
    assertThat(rootSecret.getMetadata().getName()).isEqualTo("palisade-ca-root-cluster.local");
    assertThat(rootSecret.getMetadata().getLabels()).as("not selected by the CA Secret informer")
        .doesNotContainKey("palisade.dev/ca").containsEntry("palisade.dev/ca-root", "true");
    assertThat(rootSecret.getData()).containsOnlyKeys("root.key");

    CaState read = CaSecrets.fromSecrets(secret, Optional.of(rootSecret));
    assertThat(read.roots()).isEqualTo(state.roots());
    assertThat(read.newestRootKey()).isEqualTo(state.newestRootKey());
    assertThat(read.issuer().certificate()).isEqualTo(state.issuer().certificate());
    assertThat(read.issuer().key()).isEqualTo(state.issuer().key());
    assertThat(read.issuer().root()).isEqualTo(state.newestRoot());
    assertThat(read.newestRootAddedAt()).isEqualTo(state.newestRootAddedAt());
    assertThat(read.workloadLifetime()).isEqualTo(Duration.ofHours(24));
    assertThat(CaSecrets.trustDomain(secret)).isEqualTo("cluster.local");
    assertThat(CaSecrets.fromSecret(secret).newestRootKey()).as("what replicas see").isNull();
  }

  @Test
  void anImportedRootsKeyIsNotWritten() {
    CaState state = RotationPlanner.plan(Optional.empty(), SETTINGS, NOW).state();
    assertThat(CaSecrets.toRootSecret("palisade-system", "td", state, false)).isEmpty();
  }

  /** Before the split, root.key was in the CA Secret: still read, and recognised to move. */
  @Test
  void aSingleSecretFromBeforeTheSplitIsReadAndRecognised() {
    CaState state = RotationPlanner.plan(Optional.empty(), SETTINGS, NOW).state();
    var legacy = CaSecrets.toSecret("palisade-system", "td", state);
    legacy.getData().put("root.key", Base64.getEncoder().encodeToString(
        Pem.privateKey(state.newestRootKey()).getBytes(StandardCharsets.US_ASCII)));

    assertThat(CaSecrets.holdsRootKey(legacy)).isTrue();
    assertThat(CaSecrets.fromSecrets(legacy, Optional.empty()).newestRootKey())
        .isEqualTo(state.newestRootKey());
    assertThat(CaSecrets.holdsRootKey(CaSecrets.toSecret("palisade-system", "td", state)))
        .isFalse();
  }

  @Test
  void aRootKeyOfAnotherRootIsNotUsed() {
    CaState state = RotationPlanner.plan(Optional.empty(), SETTINGS, NOW).state();
    CaState other = RotationPlanner.plan(Optional.empty(), SETTINGS, NOW).state();
    var otherRootSecret = CaSecrets.toRootSecret("palisade-system", "td", other, true)
        .orElseThrow();

    assertThat(CaSecrets.fromSecrets(CaSecrets.toSecret("palisade-system", "td", state),
        Optional.of(otherRootSecret)).newestRootKey()).isNull();
  }

  @Test
  void aDamagedSecretSaysWhatIsMissing() {
    CaState state = RotationPlanner.plan(Optional.empty(), SETTINGS, NOW).state();
    var secret = CaSecrets.toSecret("palisade-system", "td", state);
    secret.getData().remove("issuer.key");
    assertThatThrownBy(() -> CaSecrets.fromSecret(secret)).hasMessageContaining("issuer.key");
  }
}
