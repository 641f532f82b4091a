package dev.palisade.sidecar.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.common.revocation.Revocations;
import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.testing.TestCa;
import dev.palisade.testing.TestCa.Leaf;
import dev.palisade.sidecar.tls.PeerVerifier.PeerRole;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class PeerVerifierTest {

  private static final TestCa CA = TestCa.create("cluster.local");
  private static final WorkloadIdentity CART = CA.identity("shop", "cart");
  private final PeerVerifier verifier = new PeerVerifier(CA.bundle(), "cluster.local",
      Clock.systemUTC());

  @Test
  void aLeafWithItsIssuerIsTheSpiffeIdOfItsUriSan() throws Exception {
    assertThat(verifier.verify(chain(CA.leaf(CART)), PeerRole.CLIENT))
        .isEqualTo(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/cart"));
  }

  @Test
  void extraRepeatedOrUnorderedCertificatesAndTheRootAreTolerated() throws Exception {
    Leaf leaf = CA.leaf(CART);
    List<X509Certificate> messy = new ArrayList<>(leaf.chain());
    messy.add(leaf.leaf());
    messy.add(CA.rootCertificate());
    Collections.reverse(messy.subList(1, messy.size()));
    assertThat(verifier.verify(messy.toArray(X509Certificate[]::new), PeerRole.SERVER))
        .isEqualTo(CART.toSpiffeId());
  }

  @Test
  void noCertificateIsNoClientCert() {
    assertRejected(() -> verifier.verify(new X509Certificate[0], PeerRole.CLIENT),
        HandshakeFailure.NO_CLIENT_CERT);
  }

  @Test
  void aLeafWithoutItsIssuerDoesNotChainToTheBundle() {
    Leaf leaf = CA.leaf(CART);
    assertRejected(() -> verifier.verify(new X509Certificate[] {leaf.leaf()}, PeerRole.CLIENT),
        HandshakeFailure.UNTRUSTED_CHAIN);
  }

  @Test
  void anotherCaIsUntrustedEvenWithTheSameNamesAndTrustDomain() {
    TestCa other = TestCa.create("cluster.local");
    assertRejected(() -> verifier.verify(chain(other.leaf(CART)), PeerRole.CLIENT),
        HandshakeFailure.UNTRUSTED_CHAIN);
  }

  @Test
  void trustIsCheckedBeforeTimeSoAnExpiredForeignCertificateIsUntrusted() {
    TestCa other = TestCa.create("cluster.local");
    Leaf expired = other.leaf(CART, Instant.now().minus(Duration.ofDays(3)), Duration.ofHours(1));
    assertRejected(() -> verifier.verify(chain(expired), PeerRole.CLIENT),
        HandshakeFailure.UNTRUSTED_CHAIN);
  }

  @Test
  void anExpiredOrNotYetValidLeafIsExpired() {
    Leaf expired = CA.leaf(CART, Instant.now().minus(Duration.ofDays(2)), Duration.ofHours(1));
    Leaf future = CA.leaf(CART, Instant.now().plus(Duration.ofDays(2)), Duration.ofHours(1));
    assertRejected(() -> verifier.verify(chain(expired), PeerRole.CLIENT),
        HandshakeFailure.EXPIRED);
    assertRejected(() -> verifier.verify(chain(future), PeerRole.CLIENT),
        HandshakeFailure.EXPIRED);
  }

  @Test
  void theClockDecidesWhatIsExpired() throws Exception {
    Leaf leaf = CA.leaf(CART);
    Clock later = Clock.fixed(leaf.leaf().getNotAfter().toInstant().plusSeconds(1),
        ZoneOffset.UTC);
    PeerVerifier tomorrow = new PeerVerifier(CA.bundle(), "cluster.local", later);
    assertThat(verifier.verify(chain(leaf), PeerRole.CLIENT)).isEqualTo(CART.toSpiffeId());
    assertRejected(() -> tomorrow.verify(chain(leaf), PeerRole.CLIENT), HandshakeFailure.EXPIRED);
    assertRejected(() -> tomorrow.verifyResumed(chain(leaf)), HandshakeFailure.EXPIRED);
  }

  @Test
  void anotherTrustDomainIsAnIdentityMismatch() {
    Leaf elsewhere = CA.leaf(new WorkloadIdentity("elsewhere.example", "shop", "cart"));
    assertRejected(() -> verifier.verify(chain(elsewhere), PeerRole.CLIENT),
        HandshakeFailure.IDENTITY_MISMATCH);
    assertRejected(() -> verifier.verifyResumed(chain(elsewhere)),
        HandshakeFailure.IDENTITY_MISMATCH);
  }

  @Test
  void anythingButExactlyOneSpiffeUriIsAnIdentityMismatch() {
    for (List<String> uris : List.of(List.<String>of(),
        List.of("spiffe://cluster.local/ns/a/sa/b", "spiffe://cluster.local/ns/c/sa/d"),
        List.of("https://cart.shop.svc"), List.of("spiffe://cluster.local/ns//sa/b"))) {
      assertRejected(() -> verifier.verify(chain(CA.leafWithUris(uris)), PeerRole.CLIENT),
          HandshakeFailure.IDENTITY_MISMATCH);
    }
  }

  @Test
  void aCaCertificateIsNotAWorkload() {
    assertRejected(() -> verifier.verify(new X509Certificate[] {CA.rootCertificate()},
        PeerRole.CLIENT), HandshakeFailure.UNTRUSTED_CHAIN);
  }

  @Test
  void aChainLongerThanTheCapIsRefusedWithoutLookingAtIt() {
    Leaf leaf = CA.leaf(CART);
    List<X509Certificate> flood = new ArrayList<>(leaf.chain());
    flood.addAll(CA.lookAlikeIssuers(118));
    assertThatThrownBy(() -> verifier.verify(flood.toArray(X509Certificate[]::new),
        PeerRole.CLIENT))
        .isInstanceOfSatisfying(PeerRejectedException.class, e ->
            assertThat(e.reason()).isEqualTo(HandshakeFailure.UNTRUSTED_CHAIN))
        .hasMessageContaining("120 certificates; at most 4");
  }

  @Test
  void lookAlikeIssuersWithinTheCapDoNotHideTheRealOne() throws Exception {
    Leaf leaf = CA.leaf(CART);
    List<X509Certificate> chain = new ArrayList<>(List.of(leaf.leaf()));
    chain.addAll(CA.lookAlikeIssuers(2));
    chain.add(leaf.chain().get(1));
    assertThat(verifier.verify(chain.toArray(X509Certificate[]::new), PeerRole.CLIENT))
        .isEqualTo(CART.toSpiffeId());
  }

  @Test
  void aRevokedSerialIsRefusedAsRevokedAndAnotherCertificateOfTheSameIdentityIsAccepted()
      throws Exception {
    Leaf leaked = CA.leaf(CART);
    Leaf fresh = CA.leaf(CART);
    PeerVerifier revoking = revoking(new Revocations(
        Set.of(leaked.leaf().getSerialNumber()), Set.of()));

    assertThatThrownBy(() -> revoking.verify(chain(leaked), PeerRole.CLIENT))
        .isInstanceOfSatisfying(PeerRejectedException.class, e ->
            assertThat(e.reason()).isEqualTo(HandshakeFailure.REVOKED))
        .hasMessageContaining(leaked.leaf().getSerialNumber().toString(16));
    assertRejected(() -> revoking.verify(chain(leaked), PeerRole.SERVER),
        HandshakeFailure.REVOKED);
    assertRejected(() -> revoking.verifyResumed(chain(leaked)), HandshakeFailure.REVOKED);
    assertThat(revoking.verify(chain(fresh), PeerRole.CLIENT)).isEqualTo(CART.toSpiffeId());
    assertThat(revoking.verifyResumed(chain(fresh))).isEqualTo(CART.toSpiffeId());
  }

  @Test
  void aSuspendedIdentityIsRefusedWhateverItsCertificateAndOthersAreNot() throws Exception {
    PeerVerifier suspending = revoking(new Revocations(Set.of(),
        Set.of(CART.toSpiffeId())));

    assertRejected(() -> suspending.verify(chain(CA.leaf(CART)), PeerRole.CLIENT),
        HandshakeFailure.IDENTITY_SUSPENDED);
    assertRejected(() -> suspending.verifyResumed(chain(CA.leaf(CART))),
        HandshakeFailure.IDENTITY_SUSPENDED);
    WorkloadIdentity frontend = CA.identity("shop", "frontend");
    assertThat(suspending.verify(chain(CA.leaf(frontend)), PeerRole.CLIENT))
        .isEqualTo(frontend.toSpiffeId());
  }

  @Test
  void anUntrustedChainStaysUntrustedWhenItsSerialIsRevoked() {
    Leaf foreign = TestCa.create("cluster.local").leaf(CART);
    PeerVerifier revoking = revoking(new Revocations(
        Set.of(foreign.leaf().getSerialNumber()), Set.of(CART.toSpiffeId())));
    assertRejected(() -> revoking.verify(chain(foreign), PeerRole.CLIENT),
        HandshakeFailure.UNTRUSTED_CHAIN);
  }

  @Test
  void theRevocationsInForceAtEachVerificationDecide() throws Exception {
    Leaf leaf = CA.leaf(CART);
    AtomicReference<Revocations> inForce = new AtomicReference<>(Revocations.NONE);
    PeerVerifier live = new PeerVerifier(CA.bundle(), "cluster.local", Clock.systemUTC(),
        inForce::get);
    assertThat(live.verify(chain(leaf), PeerRole.CLIENT)).isEqualTo(CART.toSpiffeId());

    inForce.set(new Revocations(Set.of(leaf.leaf().getSerialNumber()), Set.of()));
    assertRejected(() -> live.verify(chain(leaf), PeerRole.CLIENT), HandshakeFailure.REVOKED);

    inForce.set(Revocations.NONE); // lifted
    assertThat(live.verify(chain(leaf), PeerRole.CLIENT)).isEqualTo(CART.toSpiffeId());
  }

  private static PeerVerifier revoking(Revocations revocations) {
    return new PeerVerifier(CA.bundle(), "cluster.local", Clock.systemUTC(), () -> revocations);
  }

  private static X509Certificate[] chain(Leaf leaf) {
    return leaf.chain().toArray(X509Certificate[]::new);
  }

  private static void assertRejected(ThrowingCallable call, HandshakeFailure reason) {
    assertThatThrownBy(call).isInstanceOfSatisfying(PeerRejectedException.class,
        e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
  }
}
