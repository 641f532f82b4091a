package dev.palisade.sidecar.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.common.pki.KeyType;
import dev.palisade.common.revocation.Revocations;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.sidecar.testing.TestMaterial;
import dev.palisade.testing.TestCa;
import dev.palisade.testing.TestCa.Leaf;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Publishing material: good material is swapped in, bad material leaves the last good one. */
class TlsMaterialHolderTest {

  private static final TestCa CA = TestCa.create("cluster.local");

  private final List<String> events = new ArrayList<>();
  private final TlsMaterialHolder holder = new TlsMaterialHolder(
      TlsSettings.defaults("cluster.local"), new TlsMaterialHolder.Listener() {
        @Override
        public void installed(TlsContexts contexts) {
          events.add("installed " + contexts.identity());
        }

        @Override
        public void rejected(TlsMaterial material, InvalidTlsMaterialException error) {
          events.add("rejected");
        }
      });

  @Test
  void nothingIsServedBeforeTheFirstMaterial() {
    assertThat(holder.isLoaded()).isFalse();
    assertThat(holder.current()).isEmpty();
  }

  @Test
  void goodMaterialIsSwappedInWithNewContexts() throws Exception {
    holder.publish(TestMaterial.of(CA, "shop", "cart"));
    TlsContexts first = holder.current().orElseThrow();
    holder.publish(TestMaterial.of(CA, "shop", "cart"));
    TlsContexts second = holder.current().orElseThrow();

    assertThat(second).isNotSameAs(first);
    assertThat(second.server()).isNotSameAs(first.server());
    assertThat(second.server().isServer()).isTrue();
    assertThat(second.client().isClient()).isTrue();
    assertThat(second.server().applicationProtocolNegotiator().protocols())
        .containsExactly("palisade/1");
    assertThat(events).containsExactly("installed spiffe://cluster.local/ns/shop/sa/cart",
        "installed spiffe://cluster.local/ns/shop/sa/cart");
  }

  @Test
  void aNewTrustBundleKeepsTheCertificateAndIsUsedForNewConnections() throws Exception {
    TestCa other = TestCa.create("cluster.local");
    holder.updateTrustBundle(other.bundle());
    assertThat(holder.isLoaded()).as("no bundle without a certificate").isFalse();

    holder.publish(TestMaterial.of(CA, "shop", "cart"));
    TlsContexts before = holder.current().orElseThrow();
    List<java.security.cert.X509Certificate> both = List.of(CA.rootCertificate(),
        other.rootCertificate());
    holder.updateTrustBundle(both);
    TlsContexts after = holder.current().orElseThrow();

    assertThat(after).isNotSameAs(before);
    assertThat(after.material().trustBundle()).isEqualTo(both);
    assertThat(after.material().chain()).isEqualTo(before.material().chain());
    assertThat(after.material().key()).isEqualTo(before.material().key());

    holder.updateTrustBundle(both);
    holder.updateTrustBundle(List.of());
    assertThat(holder.current().orElseThrow()).as("unchanged or empty: nothing to do")
        .isSameAs(after);
  }

  @Test
  void badMaterialIsRefusedWithAReasonAndTheLastGoodStays() throws Exception {
    holder.publish(TestMaterial.of(CA, "shop", "cart"));
    TlsContexts good = holder.current().orElseThrow();
    Leaf leaf = CA.leaf(CA.identity("shop", "cart"));
    TestCa other = TestCa.create("cluster.local");

    assertRefused(new TlsMaterial(leaf.chain(), KeyType.ECDSA_P256.generate().getPrivate(),
        CA.bundle()), "private key is not the key");
    assertRefused(TestMaterial.of(CA, CA.leaf(new WorkloadIdentity("elsewhere.example", "shop",
        "cart"))), "identity_mismatch");
    assertRefused(TestMaterial.of(CA, CA.leaf(CA.identity("shop", "cart"),
        Instant.now().minus(Duration.ofDays(2)), Duration.ofHours(1))), "expired");
    assertRefused(new TlsMaterial(leaf.chain(), leaf.keys().getPrivate(), other.bundle()),
        "untrusted_chain");

    assertThat(holder.current()).containsSame(good);
    assertThat(events).containsExactly("installed spiffe://cluster.local/ns/shop/sa/cart",
        "rejected", "rejected", "rejected", "rejected");
  }

  @Test
  void whileItsOwnCertificateIsRevokedANewBundleIsTakenAndTheRenewedCertificateInstalled()
      throws Exception {
    TlsMaterial revoked = TestMaterial.of(CA, "shop", "cart");
    holder.publish(revoked);
    holder.updateRevocations(new Revocations(Set.of(revoked.leaf().getSerialNumber()),
        Set.of()));

    List<java.security.cert.X509Certificate> both = List.of(CA.rootCertificate(),
        TestCa.create("cluster.local").rootCertificate());
    holder.updateTrustBundle(both);
    assertThat(holder.current().orElseThrow().material().trustBundle())
        .as("a root rotation is not held back by the revocation").isEqualTo(both);

    TlsMaterial renewed = TestMaterial.of(CA, "shop", "cart");
    holder.publish(renewed);
    assertThat(holder.current().orElseThrow().material().leaf()).isEqualTo(renewed.leaf());
    assertThat(events).containsOnly("installed spiffe://cluster.local/ns/shop/sa/cart");
  }

  private void assertRefused(TlsMaterial material, String message) {
    assertThatThrownBy(() -> holder.publish(material))
        .isInstanceOf(InvalidTlsMaterialException.class)
        .hasMessageContaining(message);
  }
}
