package dev.palisade.common.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IssuerTest {

  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
  private static final String TD = "cluster.local";

  @Test
  void aNewIntermediateIsSignedByItsParentAndCarriesItAsChain() throws Exception {
    Issuer root = Issuer.newRoot(KeyType.ECDSA_P256, TD, NOW, Duration.ofDays(10));
    Issuer issuer = root.newIntermediate(KeyType.ECDSA_P256, TD, NOW, Duration.ofDays(2));

    issuer.certificate().verify(root.certificate().getPublicKey());
    assertThat(issuer.parents()).containsExactly(root.certificate());
    assertThat(issuer.root()).isEqualTo(root.certificate());
    assertThat(issuer.intermediates()).containsExactly(issuer.certificate());
    assertThat(issuer.certificate().getPublicKey()).isNotEqualTo(root.certificate().getPublicKey());
    assertThat(root.parents()).isEmpty();
    assertThat(root.certificate().getBasicConstraints()).isEqualTo(1);
    assertThat(issuer.certificate().getBasicConstraints()).isZero();
  }
}
