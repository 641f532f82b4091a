package dev.palisade.sidecar.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.common.revocation.Revocations;
import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.sidecar.testing.Metrics;
import dev.palisade.sidecar.testing.TestMaterial;
import dev.palisade.testing.TestCa;
import dev.palisade.sidecar.tls.HandshakeFailure;
import dev.palisade.sidecar.tls.KeyExchangeGroups;
import dev.palisade.sidecar.tls.TlsMaterialHolder;
import dev.palisade.sidecar.tls.TlsSettings;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The exposition carries exactly the contract's metric names, types and labels. */
class ProxyMetricsTest {

  private final ProxyMetrics metrics = new ProxyMetrics();

  @Test
  void exactlyTheContractsMetricFamilies() {
    Matcher types = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$").matcher(metrics.scrape());
    Set<String> families = new TreeSet<>();
    while (types.find()) {
      families.add(types.group(1) + " " + types.group(2));
    }
    assertThat(families).containsExactlyInAnyOrder(
        "palisade_tls_handshakes_total counter",
        "palisade_tls_handshake_duration_seconds histogram",
        "palisade_tls_resumed_handshakes_total counter",
        "palisade_connections_active gauge",
        "palisade_connections_total counter",
        "palisade_connections_terminated_total counter",
        "palisade_transmitted_bytes_total counter",
        "palisade_authz_decisions_total counter",
        "palisade_certificate_expiry_timestamp_seconds gauge",
        "palisade_certificate_renewals_total counter",
        "palisade_revocations_in_force gauge");
  }

  @Test
  void revocationsInForceAreTheSizesOfTheLatestSets() {
    assertThat(Metrics.value(metrics.scrape(), "palisade_revocations_in_force",
        Map.of("kind", "certificate"))).isZero();
    metrics.revocationsInForce(new Revocations(Set.of(BigInteger.ONE, BigInteger.TWO),
        Set.of(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/a"))));
    String scrape = metrics.scrape();
    assertThat(Metrics.value(scrape, "palisade_revocations_in_force",
        Map.of("kind", "certificate"))).isEqualTo(2);
    assertThat(Metrics.value(scrape, "palisade_revocations_in_force",
        Map.of("kind", "identity"))).isEqualTo(1);
    metrics.revocationsInForce(Revocations.NONE);
    assertThat(Metrics.value(metrics.scrape(), "palisade_revocations_in_force", Map.of()))
        .isZero();
  }

  @Test
  void everyReasonExistsAtZeroForBothDirections() {
    String scrape = metrics.scrape();
    for (String direction : new String[] {"inbound", "outbound"}) {
      assertThat(Metrics.value(scrape, "palisade_tls_handshakes_total",
          Metrics.handshake(direction, "success", "none"))).isZero();
      for (HandshakeFailure reason : HandshakeFailure.values()) {
        assertThat(Metrics.value(scrape, "palisade_tls_handshakes_total",
            Metrics.handshake(direction, "failure", reason.label()))).isZero();
      }
    }
    assertThat(Metrics.value(scrape, "palisade_tls_handshakes_total",
        Metrics.handshake("inbound", "plaintext", "permissive"))).isZero();
    assertThat(Metrics.value(scrape, "palisade_tls_handshakes_total",
        Metrics.handshake("outbound", "plaintext", "not_meshed"))).isZero();
  }

  @Test
  void recordsWhatHappened() {
    metrics.handshakeSucceeded(Direction.INBOUND, Duration.ofMillis(3),
        KeyExchangeGroups.POST_QUANTUM, false);
    metrics.handshakeSucceeded(Direction.OUTBOUND, Duration.ofMillis(1), "X25519", true);
    metrics.handshakeFailed(Direction.OUTBOUND, HandshakeFailure.IDENTITY_MISMATCH);
    metrics.plaintextAccepted(Direction.INBOUND, PlaintextReason.DISABLED);
    metrics.inboundDecision("audit", PeerLabels.PLAINTEXT);
    metrics.connectionOpened(Direction.OUTBOUND);
    metrics.connectionOpened(Direction.OUTBOUND);
    metrics.connectionClosed(Direction.OUTBOUND);
    metrics.connectionDecided(Direction.OUTBOUND, PeerLabels.UNKNOWN);
    metrics.connectionDecided(Direction.OUTBOUND, PeerLabels.PLAINTEXT);
    metrics.transmittedBytes(Direction.INBOUND, PeerLabels.PLAINTEXT).increment(42);
    metrics.sourceFailed();
    String scrape = metrics.scrape();

    assertThat(Metrics.value(scrape, "palisade_tls_handshakes_total",
        Metrics.handshake("inbound", "success", "none"))).isEqualTo(1);
    assertThat(Metrics.value(scrape, "palisade_tls_handshake_duration_seconds_bucket",
        Map.of("direction", "inbound", "le", "0.005"))).isEqualTo(1);
    assertThat(Metrics.value(scrape, "palisade_tls_handshake_duration_seconds_count",
        Map.of("direction", "inbound", "group", "X25519MLKEM768"))).isEqualTo(1);
    assertThat(Metrics.value(scrape, "palisade_tls_handshake_duration_seconds_count",
        Map.of("direction", "inbound", "group", "X25519"))).isZero();
    assertThat(Metrics.value(scrape, "palisade_tls_handshake_duration_seconds_bucket",
        Map.of("direction", "inbound", "le", "0.002"))).isZero();
    assertThat(Metrics.value(scrape, "palisade_tls_resumed_handshakes_total",
        Map.of("direction", "inbound"))).isZero();
    assertThat(Metrics.value(scrape, "palisade_tls_resumed_handshakes_total",
        Map.of("direction", "outbound"))).isEqualTo(1);
    assertThat(Metrics.value(scrape, "palisade_tls_handshakes_total",
        Metrics.handshake("outbound", "failure", "identity_mismatch"))).isEqualTo(1);
    assertThat(Metrics.value(scrape, "palisade_tls_handshakes_total",
        Metrics.handshake("inbound", "plaintext", "disabled"))).isEqualTo(1);
    assertThat(Metrics.value(scrape, "palisade_authz_decisions_total",
        Map.of("direction", "inbound", "decision", "audit", "peer", "plaintext"))).isEqualTo(1);
    assertThat(Metrics.value(scrape, "palisade_connections_total",
        Map.of("direction", "outbound"))).isEqualTo(2);
    assertThat(Metrics.value(scrape, "palisade_connections_total",
        Map.of("direction", "outbound", "peer", "unknown"))).isEqualTo(1);
    assertThat(Metrics.value(scrape, "palisade_connections_active",
        Map.of("direction", "outbound"))).isEqualTo(1);
    assertThat(Metrics.value(scrape, "palisade_transmitted_bytes_total",
        Map.of("direction", "inbound", "peer", "plaintext"))).isEqualTo(42);
    assertThat(Metrics.value(scrape, "palisade_certificate_renewals_total",
        Map.of("result", "failure"))).isEqualTo(1);
    assertThat(Metrics.value(scrape, "palisade_certificate_expiry_timestamp_seconds", Map.of()))
        .isNaN();
  }

  @Test
  void aNewCertificateIsARenewalAndANewBundleForTheSameOneIsNot() throws Exception {
    TestCa ca = TestCa.create("cluster.local");
    TlsMaterialHolder holder = new TlsMaterialHolder(TlsSettings.defaults("cluster.local"),
        metrics);
    holder.publish(TestMaterial.of(ca, "shop", "cart"));
    holder.updateTrustBundle(java.util.List.of(ca.rootCertificate(),
        TestCa.create("cluster.local").rootCertificate()));
    holder.publish(TestMaterial.of(ca, "shop", "cart"));

    assertThat(Metrics.value(metrics.scrape(), "palisade_certificate_renewals_total",
        Map.of("result", "success"))).isEqualTo(2);
  }

  @Test
  void verifiedPeersAreLabelledByIdentityUpToTheLimitAndTheRestAsOther() {
    ProxyMetrics limited = new ProxyMetrics(2);
    for (String app : List.of("a", "b", "c", "a")) {
      String peer = limited.peerLabel(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/" + app));
      limited.connectionDecided(Direction.INBOUND, peer);
      limited.inboundDecision("allow", peer);
      limited.transmittedBytes(Direction.INBOUND, peer).increment(10);
    }
    String scrape = limited.scrape();

    assertThat(Metrics.value(scrape, "palisade_connections_total", Map.of("direction",
        "inbound", "peer", "spiffe://cluster.local/ns/shop/sa/a"))).isEqualTo(2);
    assertThat(Metrics.value(scrape, "palisade_connections_total", Map.of("direction",
        "inbound", "peer", "spiffe://cluster.local/ns/shop/sa/b"))).isEqualTo(1);
    assertThat(Metrics.value(scrape, "palisade_authz_decisions_total", Map.of("decision",
        "allow", "peer", "other"))).isEqualTo(1);
    assertThat(Metrics.value(scrape, "palisade_transmitted_bytes_total", Map.of("direction",
        "inbound", "peer", "other"))).isEqualTo(10);
    assertThat(scrape).doesNotContain("sa/c");
  }

  @Test
  void aLimitOfZeroNamesNoPeer() {
    ProxyMetrics anonymous = new ProxyMetrics(0);
    assertThat(anonymous.peerLabel(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/a")))
        .isEqualTo(PeerLabels.OTHER);
  }
}
