package dev.palisade.sidecar.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
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

  @Test
  void aConfiguredListIsCheckedAndSpelledAsBoringSslSpellsIt() {
    assertThat(KeyExchangeGroups.parse(List.of("x25519", " P-256"))).containsExactly("X25519",
        "P-256");
    assertThatThrownBy(() -> KeyExchangeGroups.parse(List.of("X25519", "P-384")))
        .hasMessageContaining("unknown key exchange group 'P-384'")
        .hasMessageContaining("X25519MLKEM768, X25519, P-256");
    assertThatThrownBy(() -> KeyExchangeGroups.parse(List.of("X25519", "x25519")))
        .hasMessageContaining("X25519 is named twice");
    assertThatThrownBy(() -> KeyExchangeGroups.parse(List.of()))
        .hasMessageContaining("no key exchange group");
  }
}
