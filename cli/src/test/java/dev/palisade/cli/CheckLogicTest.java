package dev.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure parts of check, identity and proxy-status. */
class CheckLogicTest {

  @Test
  void theChartsRbacIsReadFromItsTemplates() {
    List<RbacRules.Permission> permissions = RbacRules.chart();
    assertThat(permissions).contains(
        new RbacRules.Permission("authentication.k8s.io", "tokenreviews", null, "create", null,
            false),
        new RbacRules.Permission("palisade.dev", "trustdomains", "status", "patch", null, false),
        new RbacRules.Permission("admissionregistration.k8s.io", "mutatingwebhookconfigurations",
            null, "patch", "palisade-inject", false),
        new RbacRules.Permission("coordination.k8s.io", "leases", null, "update", null, true),
        new RbacRules.Permission("", "events", null, "create", null, false));
    assertThat(permissions).noneMatch(p -> p.resource().contains("{{"));
    assertThat(permissions.get(0).toString()).isEqualTo("get trustdomains.palisade.dev");
  }

  @Test
  void theShippedCrdsAreTheChartsAndCompareEqualToThemselves() {
    for (String file : CrdChecks.CRD_FILES) {
      JsonNode crd = CrdChecks.shippedCrd(file);
      assertThat(crd.path("kind").asText()).isEqualTo("CustomResourceDefinition");
      assertThat(CrdChecks.schemaDifference(crd.path("spec"), crd.path("spec"))).isEmpty();
    }
  }

  @Test
  void aSchemaDifferenceIsNamedByItsPath() throws Exception {
    YAMLMapper yaml = new YAMLMapper();
    JsonNode chart = yaml.readTree("""
        versions:
          - name: v1alpha1
            served: true
            storage: true
            schema: {openAPIV3Schema: {properties: {spec: {properties: {port: {maximum: 65535}}}}}}
        """);
    JsonNode sameNumber = yaml.readTree(chart.toString().replace("65535", "65535.0"));
    assertThat(CrdChecks.schemaDifference(chart, sameNumber)).isEmpty();
    JsonNode other = yaml.readTree(chart.toString().replace("65535", "1024"));
    assertThat(CrdChecks.schemaDifference(chart, other)).contains("version v1alpha1 has"
        + " another schema (an older or newer release's; first difference at"
        + " /openAPIV3Schema/properties/spec/properties/port/maximum)");
    JsonNode notServed = yaml.readTree(chart.toString().replace("\"served\":true",
        "\"served\":false"));
    assertThat(CrdChecks.schemaDifference(chart, notServed))
        .contains("version v1alpha1 served=false");
    JsonNode v1 = yaml.readTree(chart.toString().replace("v1alpha1", "v1"));
    assertThat(CrdChecks.schemaDifference(chart, v1))
        .contains("versions [v1], expected [v1alpha1]");
  }

  @Test
  void classicalFallbacksAreCountedFromTheProxysRealMetrics() {
    var metrics = new dev.palisade.sidecar.metrics.ProxyMetrics();
    var inbound = dev.palisade.sidecar.metrics.Direction.INBOUND;
    var outbound = dev.palisade.sidecar.metrics.Direction.OUTBOUND;
    assertThat(ProxyAdmin.classicalHandshakes(metrics.scrape())).isZero();

    metrics.handshakeSucceeded(inbound, Duration.ofMillis(1), "X25519MLKEM768", false);
    metrics.handshakeSucceeded(inbound, Duration.ofMillis(1), "X25519", false);
    metrics.handshakeSucceeded(outbound, Duration.ofMillis(1), "P-256", false);

    assertThat(ProxyAdmin.classicalHandshakes(metrics.scrape())).isEqualTo(2);
  }

  @Test
  void theExpiryIsReadFromTheProxysMetrics() {
    String scrape = """
        # HELP palisade_certificate_expiry_timestamp_seconds notAfter
        # TYPE palisade_certificate_expiry_timestamp_seconds gauge
        palisade_certificate_expiry_timestamp_seconds 1.7700912E9
        palisade_certificate_renewals_total{result="success"} 3.0
        """;
    assertThat(ProxyAdmin.certificateExpiry(scrape))
        .contains(Instant.ofEpochSecond(1_770_091_200L));
    assertThat(ProxyAdmin.certificateExpiry(
        "palisade_certificate_expiry_timestamp_seconds NaN\n")).isEmpty();
    assertThat(ProxyAdmin.certificateExpiry("")).isEmpty();
  }

  @Test
  void aCertificateIsLatePastSixtyPercentOfItsLifetimeOrItsRenewBefore() {
    Instant notAfter = Instant.parse("2026-12-05T00:00:00Z");
    Duration day = Duration.ofHours(24);
    // 40% of 24h = 9h36m left is the latest jittered renewal point
    assertThat(ProxyAdmin.pastRenewal(notAfter, day, null, notAfter.minus(Duration.ofHours(10))))
        .isFalse();
    assertThat(ProxyAdmin.pastRenewal(notAfter, day, null, notAfter.minus(Duration.ofHours(9))))
        .isTrue();
    assertThat(ProxyAdmin.pastRenewal(notAfter, day, Duration.ofHours(2),
        notAfter.minus(Duration.ofHours(3)))).isFalse();
    assertThat(ProxyAdmin.pastRenewal(notAfter, day, Duration.ofHours(2),
        notAfter.minus(Duration.ofMinutes(90)))).isTrue();
  }

  @Test
  void minorVersionsAsProvidersWriteThem() {
    assertThat(PreInstallChecks.minor("34")).isEqualTo(34);
    assertThat(PreInstallChecks.minor("30+")).isEqualTo(30);
    assertThat(PreInstallChecks.minor(null)).isEqualTo(-1);
  }

  @Test
  void theTextReportMarksEachCheckAndGivesTheFix() {
    List<CheckResult> results = List.of(CheckResult.ok("crd x", "installed"),
        CheckResult.fail("operator", "0 of 2 replicas ready", "kubectl logs"),
        CheckResult.skip("injection", "no labelled namespace"));
    assertThat(CheckResult.text(results)).isEqualTo("""
        [ok]   crd x: installed
        [FAIL] operator: 0 of 2 replicas ready
               fix: kubectl logs
        [skip] injection: no labelled namespace
        1 check(s) failed.
        """);
    assertThat(CheckResult.Report.of(results).ok()).isFalse();
    assertThat(Json.write(CheckResult.Report.of(results.subList(0, 1))))
        .contains("\"ok\" : true").doesNotContain("hint");
  }

  @Test
  void proxyStatusAsATable() {
    Instant now = Instant.parse("2026-12-04T12:00:00Z");
    var outdated = new ProxyInspector.ProxyView("shop/web-0", "spiffe://td/ns/shop/sa/web", true,
        true, "0.1.0", false, now.plus(Duration.ofHours(19)), null, null, false,
        "a1", "a1", true, "b1", true, Optional.empty(), null);
    var stale = new ProxyInspector.ProxyView("shop/web-1", "spiffe://td/ns/shop/sa/web", true,
        true, "0.2.0", true, now.plus(Duration.ofHours(20)), null, null, false,
        "a1", "a2", false, "b0", false, Optional.empty(), null);
    String table = ProxyStatusCommand.text(
        new ProxyStatusCommand.Status("0.2.0", List.of(outdated, stale)), now);
    assertThat(table.lines().toList()).containsExactly(
        "POD         READY  PROXY  VERSION                     CONFIG                    "
            + "BUNDLE                         CERTIFICATE       RENEWAL",
        "shop/web-0  yes    0.1.0  outdated (operator: 0.2.0)  in sync                   "
            + "current                        expires in 19h0m  in time",
        "shop/web-1  yes    0.2.0  current                     STALE (a1, operator: a2)  "
            + "STALE (lacks the newest root)  expires in 20h0m  in time");
    assertThat(outdated.healthy()).as("an outdated proxy").isFalse();
    assertThat(stale.healthy()).as("a stale configuration and bundle").isFalse();
    assertThat(ProxyStatusCommand.text(new ProxyStatusCommand.Status(null, List.of()), now))
        .isEqualTo("No injected pods.\n");
  }

  @Test
  void durationsForPeople() {
    assertThat(HumanDuration.of(Duration.ofDays(3).plusHours(4))).isEqualTo("3d4h");
    assertThat(HumanDuration.of(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(HumanDuration.of(Duration.ofSeconds(-90))).isEqualTo("the past (1m30s ago)");
  }
}
