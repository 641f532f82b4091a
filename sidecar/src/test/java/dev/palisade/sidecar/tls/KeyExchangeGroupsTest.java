package dev.palisade.sidecar.tls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyExchangeGroupsTest {

  @Test
  void thePostQuantumHybridIsPreferredAndEveryOtherGroupIsOneLabel() {
    assertThat(KeyExchangeGroups.PREFERRED.getFirst()).isEqualTo("X25519MLKEM768");
    assertThat(KeyExchangeGroups.label("X25519MLKEM768")).isEqualTo("X25519MLKEM768");
    assertThat(KeyExchangeGroups.label("x25519")).isEqualTo("X25519");
    assertThat(KeyExchangeGroups.label("P-256")).isEqualTo("P-256");
    assertThat(KeyExchangeGroups.label("P-384")).isEqualTo(KeyExchangeGroups.OTHER);
    assertThat(KeyExchangeGroups.label(null)).isEqualTo(KeyExchangeGroups.OTHER);
    assertThat(KeyExchangeGroups.LABELS).containsAll(KeyExchangeGroups.PREFERRED)
        .contains(KeyExchangeGroups.OTHER);
  }
}
