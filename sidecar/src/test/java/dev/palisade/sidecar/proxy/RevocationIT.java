package dev.palisade.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.revocation.Revocations;
import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.sidecar.identity.CaCertificateSource;
import dev.palisade.sidecar.identity.CertificateFetcher;
import dev.palisade.sidecar.identity.IdentityRenewer;
import dev.palisade.sidecar.identity.IssuedIdentity;
import dev.palisade.sidecar.testing.Clients;
import dev.palisade.sidecar.testing.Mesh;
import dev.palisade.sidecar.testing.Metrics;
import dev.palisade.sidecar.testing.Sidecar;
import dev.palisade.sidecar.testing.TestApp;
import dev.palisade.sidecar.testing.TestApp.Behaviour;
import dev.palisade.sidecar.testing.TestMaterial;
import dev.palisade.sidecar.tls.TlsMaterial;
import dev.palisade.testing.TestCa;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Revocations in force on two real proxies (client -> A -> mTLS over BoringSSL -> B -> echo, all
 * on loopback): a revoked certificate or a suspended identity is cut at once on an established
 * connection and refused on new handshakes, with its own reasons, in either direction; a fresh
 * certificate of the same identity is served; a proxy whose own certificate is revoked renews it
 * at once through its CA-backed source (CaCertificateSource and IdentityRenewer, with the CA's
 * HTTP call replaced by issuing from the test CA) and its peers accept the new one.
 */
class RevocationIT {

  private static final Duration WAIT = Duration.ofSeconds(2);
  private static final TestCa CA = TestCa.create("cluster.local");
  private static final SpiffeId FRONTEND =
      SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/frontend");
  private static TestApp echo;

  @BeforeAll
  static void start() throws Exception {
    echo = TestApp.start(Behaviour.ECHO);
  }

  @AfterAll
  static void stop() throws Exception {
    echo.close();
  }

  @Test
  void aRevokedClientCertificateIsCutWithinTwoSecondsRefusedAfterwardsAndAFreshOneServed()
      throws Exception {
    try (Mesh mesh = Mesh.start(CA, echo.port(), InboundPolicy.strictDefault());
        Socket held = mesh.connect()) {
      roundTrip(held, "before");
      BigInteger leaked = serving(mesh.a).leaf().getSerialNumber();

      mesh.b.runtime().updateConfig(bConfig("v2", new Revocations(Set.of(leaked), Set.of())));

      await("cut").atMost(WAIT).until(() -> Clients.closedWithoutData(held));
      assertThat(terminated(mesh.b, "inbound", "revoked")).isEqualTo(1);
      assertThat(mesh.b.metric("palisade_revocations_in_force", Map.of("kind", "certificate")))
          .isEqualTo(1);
      try (Socket next = mesh.connect()) {
        assertThat(Clients.closedWithoutData(next)).as("a new handshake is refused").isTrue();
      }
      await("refusal counted").atMost(WAIT)
          .until(() -> refused(mesh.b, "inbound", "revoked") == 1);

      mesh.a.runtime().tls().publish(TestMaterial.of(CA, "shop", "frontend"));
      assertThat(serving(mesh.a).leaf().getSerialNumber()).isNotEqualTo(leaked);
      try (Socket fresh = mesh.connect()) {
        roundTrip(fresh, "a fresh certificate of the same identity");
      }
    }
  }

  @Test
  void theClientsProxyCutsAndRefusesAServerWhoseCertificateIsRevoked() throws Exception {
    try (Mesh mesh = Mesh.start(CA, echo.port(), InboundPolicy.strictDefault());
        Socket held = mesh.connect()) {
      roundTrip(held, "before");
      BigInteger server = serving(mesh.b).leaf().getSerialNumber();

      mesh.a.runtime().updateConfig(aConfig(mesh, "v2",
          new Revocations(Set.of(server), Set.of())));

      await("cut").atMost(WAIT).until(() -> Clients.closedWithoutData(held));
      assertThat(terminated(mesh.a, "outbound", "revoked")).isEqualTo(1);
      try (Socket next = mesh.connect()) {
        assertThat(Clients.closedWithoutData(next)).isTrue();
      }
      // A resumes its session of the held connection here (B completes its side and sees the
      // connection close): the resumed-session check refuses the revoked server too.
      await("refusal counted").atMost(WAIT)
          .until(() -> refused(mesh.a, "outbound", "revoked") == 1);
    }
  }

  @Test
  void inAFullHandshakeTheRevokedServerHearsWhyAndCountsItsCertificateAsRejected()
      throws Exception {
    try (Mesh mesh = Mesh.start(CA, echo.port(), InboundPolicy.strictDefault())) {
      BigInteger server = serving(mesh.b).leaf().getSerialNumber();
      mesh.a.runtime().updateConfig(aConfig(mesh, "v2",
          new Revocations(Set.of(server), Set.of())));

      try (Socket first = mesh.connect()) {
        Clients.write(first, "hello");
        assertThat(Clients.closedWithoutData(first)).isTrue();
      }

      // A's certificate_revoked alert reaches B as a certificate alert, not a protocol error.
      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(refused(mesh.a, "outbound", "revoked")).isEqualTo(1);
        assertThat(refused(mesh.b, "inbound", "peer_rejected")).isEqualTo(1);
      });
    }
  }

  @Test
  void aSuspendedClientIdentityIsCutAndRefusedWhateverItsCertificateUntilLifted()
      throws Exception {
    try (Mesh mesh = Mesh.start(CA, echo.port(), InboundPolicy.strictDefault());
        Socket held = mesh.connect()) {
      roundTrip(held, "before");

      mesh.b.runtime().updateConfig(bConfig("v2", new Revocations(Set.of(), Set.of(FRONTEND))));

      await("cut").atMost(WAIT).until(() -> Clients.closedWithoutData(held));
      assertThat(terminated(mesh.b, "inbound", "identity_suspended")).isEqualTo(1);
      mesh.a.runtime().tls().publish(TestMaterial.of(CA, "shop", "frontend"));
      try (Socket next = mesh.connect()) {
        assertThat(Clients.closedWithoutData(next)).as("a new certificate does not help")
            .isTrue();
      }
      await("refusal counted").atMost(WAIT)
          .until(() -> refused(mesh.b, "inbound", "identity_suspended") == 1);

      mesh.b.runtime().updateConfig(bConfig("v3", Revocations.NONE));
      try (Socket after = mesh.connect()) {
        roundTrip(after, "suspension lifted");
      }
    }
  }

  @Test
  void aProxyWhoseOwnCertificateIsRevokedRenewsAtOnceWithANewKeyThatItsPeersAccept()
      throws Exception {
    AtomicInteger issued = new AtomicInteger();
    WorkloadIdentity cart = CA.identity("shop", "cart");
    CertificateFetcher ca = () -> {
      issued.incrementAndGet();
      TestCa.Leaf leaf = CA.leaf(cart); // a new key each time, as IdentityClient makes
      return new IssuedIdentity(cart.toSpiffeId(), leaf.chain(), leaf.keys().getPrivate(),
          CA.bundle());
    };
    try (Mesh mesh = Mesh.start(CA, echo.port(), InboundPolicy.strictDefault(),
        Optional.empty(), settings -> settings.certificates(
            new CaCertificateSource(ca, IdentityRenewer.Listener.NONE)))) {
      await("first certificate").atMost(Duration.ofSeconds(10))
          .until(() -> mesh.b.runtime().tls().isLoaded());
      TlsMaterial first = serving(mesh.b);
      BigInteger revokedSerial = first.leaf().getSerialNumber();
      Revocations revoked = new Revocations(Set.of(revokedSerial), Set.of());
      mesh.a.runtime().updateConfig(aConfig(mesh, "v2", revoked));

      mesh.b.runtime().updateConfig(bConfig("v2", revoked));

      await("renewed").atMost(Duration.ofSeconds(10))
          .until(() -> !serving(mesh.b).leaf().getSerialNumber().equals(revokedSerial));
      TlsMaterial renewed = serving(mesh.b);
      assertThat(renewed.leaf().getPublicKey()).as("a new key")
          .isNotEqualTo(first.leaf().getPublicKey());
      assertThat(issued).hasValue(2);
      try (Socket socket = mesh.connect()) {
        roundTrip(socket, "served with the renewed certificate");
      }
      assertThat(refused(mesh.a, "outbound", "revoked")).isZero();
    }
  }

  private static TlsMaterial serving(Sidecar sidecar) {
    return sidecar.runtime().tls().current().orElseThrow().material();
  }

  private static void roundTrip(Socket socket, String text) throws IOException {
    Clients.write(socket, text);
    assertThat(Clients.readExactly(socket, text.length())).isEqualTo(text);
  }

  private static double terminated(Sidecar sidecar, String direction, String reason) {
    return sidecar.metric("palisade_connections_terminated_total",
        Map.of("direction", direction, "reason", reason));
  }

  private static double refused(Sidecar sidecar, String direction, String reason) {
    return sidecar.metric("palisade_tls_handshakes_total",
        Metrics.handshake(direction, "failure", reason));
  }

  private static SidecarConfig bConfig(String version, Revocations revocations) {
    return new SidecarConfig(version, InboundPolicy.strictDefault(),
        OutboundPolicy.passthrough(), revocations);
  }

  /** A's configuration as Mesh makes it (B's address must present B's identity), and more. */
  private static SidecarConfig aConfig(Mesh mesh, String version, Revocations revocations) {
    return new SidecarConfig(version, InboundPolicy.strictDefault(), new OutboundPolicy(
        Map.of("127.0.0.1:" + mesh.b.inboundPort(), mesh.b.identity().toSpiffeId()), false),
        revocations);
  }
}
