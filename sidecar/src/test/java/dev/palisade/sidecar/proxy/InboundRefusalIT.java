package dev.palisade.sidecar.proxy;

import static dev.palisade.sidecar.testing.Metrics.handshake;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.common.pki.Pem;
import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.sidecar.testing.Sidecar;
import dev.palisade.sidecar.testing.TestApp.Behaviour;
import dev.palisade.sidecar.testing.TestApp;
import dev.palisade.testing.TestCa.Leaf;
import dev.palisade.testing.TestCa.PemFiles;
import dev.palisade.testing.TestCa;
import dev.palisade.testing.CommandLine;
import dev.palisade.testing.Openssl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code openssl s_client} against the inbound listener: what a sidecar must refuse,
 * and that each refusal is counted under the right reason, read from /metrics over HTTP.
 */
class InboundRefusalIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final TestCa CA = TestCa.create("cluster.local");
  private static final WorkloadIdentity FRONTEND = CA.identity("shop", "frontend");

  @TempDir
  static Path pems;

  private static TestApp app;
  private static Sidecar sidecar;

  @BeforeAll
  static void start() throws Exception {
    app = TestApp.start(Behaviour.BANNER);
    sidecar = Sidecar.start(CA, "shop", "cart",
        new SidecarConfig("strict", InboundPolicy.strictDefault(), OutboundPolicy.passthrough()),
        FixedDestinationResolver.localPort(app.port()), FixedDestinationResolver.localPort(1));
  }

  @AfterAll
  static void stop() throws Exception {
    sidecar.close();
    app.close();
  }

  @Test
  void aValidWorkloadCertificateReachesTheApplicationOverTls13WithAlpn() {
    PemFiles client = CA.write(CA.leaf(FRONTEND), pems, "valid");
    double before = inbound("success", "none");

    CommandLine.Result result = sClient(client, "-tls1_3", "-alpn", "palisade/1",
        "-verify_return_error");

    assertThat(result.output()).contains(TestApp.BANNER).contains("TLSv1.3")
        .contains("ALPN protocol: palisade/1").contains("Verify return code: 0 (ok)");
    await().atMost(TIMEOUT).until(() -> inbound("success", "none") == before + 1);
  }

  /** A peer without ML-KEM (this openssl) falls back to a classical group, and is counted so. */
  @Test
  void aClassicalOnlyPeerFallsBackToX25519AndIsCountedUnderItsGroup() {
    PemFiles client = CA.write(CA.leaf(FRONTEND), pems, "classical");
    double before = handshakesWithGroup("X25519");

    CommandLine.Result result = sClient(client, "-tls1_3", "-groups", "X25519:P-256");

    assertThat(result.output()).contains(TestApp.BANNER).contains("Server Temp Key: X25519");
    await().atMost(TIMEOUT).until(() -> handshakesWithGroup("X25519") == before + 1);
  }

  @Test
  void noClientCertificateIsRefused() {
    assertRefused(withoutCertificate("-tls1_3"), "no_client_cert", "certificate required");
  }

  @Test
  void anExpiredClientCertificateIsRefused() {
    Instant twoDaysAgo = Instant.now().minus(Duration.ofDays(2));
    PemFiles expired = CA.write(CA.leaf(FRONTEND, twoDaysAgo, Duration.ofHours(1)), pems,
        "expired");
    assertRefused(withCertificate(expired, "-tls1_3"), "expired", "certificate expired");
  }

  @Test
  void aCertificateFromAnotherCaIsRefused() {
    TestCa other = TestCa.create("cluster.local");
    PemFiles foreign = other.write(other.leaf(FRONTEND), pems.resolve("other-ca"), "foreign");
    assertRefused(withCertificate(foreign, "-tls1_3"), "untrusted_chain", "unknown ca");
  }

  @Test
  void aCertificateForAnotherTrustDomainIsRefused() {
    // Signed by our own CA, so only the SPIFFE ID gives it away.
    PemFiles elsewhere = CA.write(CA.leaf(new WorkloadIdentity("elsewhere.example", "shop",
        "frontend")), pems, "other-domain");
    assertRefused(withCertificate(elsewhere, "-tls1_3"), "identity_mismatch", "bad certificate");
  }

  @Test
  void tls12IsRefused() {
    PemFiles client = CA.write(CA.leaf(FRONTEND), pems, "tls12");
    assertRefused(withCertificate(client, "-tls1_2"), "tls_version", "protocol version");
  }

  @Test
  void aFloodOfLookAlikeIssuersIsRefusedAndOthersAreStillServed() throws Exception {
    // 120 certificates an unauthenticated client asks us to consider: BoringSSL caps the
    // certificate message, and PeerVerifier the chain, before any of them costs a signature.
    Leaf leaf = CA.leaf(FRONTEND);
    PemFiles client = CA.write(leaf, pems, "flood");
    List<X509Certificate> flood = new ArrayList<>(leaf.chain());
    flood.addAll(CA.lookAlikeIssuers(118));
    Path chain = pems.resolve("flood-chain.crt");
    Files.writeString(chain, Pem.certificates(flood));
    double refusedBefore = inbound("failure", "protocol_error");

    List<String> args = new ArrayList<>(withoutCertificate("-tls1_3"));
    args.addAll(List.of("-cert", client.chain().toString(), "-cert_chain", chain.toString(),
        "-key", client.key().toString()));
    CommandLine.Result refused = Openssl.sClient(sidecar.inboundPort(), args, "ping\n", TIMEOUT);

    assertThat(refused.timedOut()).as("s_client finished: %s", refused.output()).isFalse();
    assertThat(refused.output()).doesNotContain(TestApp.BANNER);
    // BoringSSL refuses the oversized certificate message (EXCESSIVE_MESSAGE_SIZE).
    await().atMost(TIMEOUT).until(() -> inbound("failure", "protocol_error") == refusedBefore + 1);
    assertThat(sClient(CA.write(CA.leaf(FRONTEND), pems, "after-flood"), "-tls1_3").output())
        .contains(TestApp.BANNER);
  }

  @Test
  void aSessionIsResumed() {
    PemFiles client = CA.write(CA.leaf(FRONTEND), pems, "resume");
    Path session = pems.resolve("session.pem");

    CommandLine.Result first = sClient(client, "-tls1_3", "-sess_out", session.toString());
    CommandLine.Result second = sClient(client, "-tls1_3", "-sess_in", session.toString());

    assertThat(first.output()).contains(TestApp.BANNER).contains("New, TLSv1.3");
    assertThat(second.output()).contains(TestApp.BANNER).contains("Reused, TLSv1.3");
  }

  /** @param alert how the TLS alert the client received reads in s_client's output */
  private void assertRefused(List<String> args, String reason, String alert) {
    double before = inbound("failure", reason);
    CommandLine.Result result = Openssl.sClient(sidecar.inboundPort(), args, "ping\n",
        TIMEOUT);
    assertThat(result.timedOut()).as("s_client finished: %s", result.output()).isFalse();
    assertThat(result.output()).as("refused before the application")
        .doesNotContain(TestApp.BANNER).contains(alert);
    await().atMost(TIMEOUT).untilAsserted(() ->
        assertThat(inbound("failure", reason)).as(reason).isEqualTo(before + 1));
  }

  private static List<String> withCertificate(PemFiles files, String version) {
    List<String> args = new ArrayList<>(withoutCertificate(version));
    // -cert sends only the leaf; -cert_chain adds the issuer, as tls.crt users' clients do.
    args.addAll(List.of("-cert", files.chain().toString(), "-cert_chain",
        files.chain().toString(), "-key", files.key().toString()));
    return args;
  }

  private static List<String> withoutCertificate(String version) {
    PemFiles bundle = CA.write(CA.leaf(FRONTEND), pems, "bundle-holder");
    return new ArrayList<>(List.of(version, "-CAfile", bundle.bundle().toString()));
  }

  private static CommandLine.Result sClient(PemFiles client, String... extra) {
    List<String> args = withCertificate(client, extra[0]);
    args.addAll(List.of(extra).subList(1, extra.length));
    CommandLine.Result result = Openssl.sClient(sidecar.inboundPort(), args, "", TIMEOUT);
    assertThat(result.timedOut()).as("s_client finished: %s", result.output()).isFalse();
    return result;
  }

  private static double handshakesWithGroup(String group) {
    return sidecar.metric("palisade_tls_handshake_duration_seconds_count",
        java.util.Map.of("direction", "inbound", "group", group));
  }

  private static double inbound(String result, String reason) {
    return sidecar.metric("palisade_tls_handshakes_total", handshake("inbound", result, reason));
  }
}
