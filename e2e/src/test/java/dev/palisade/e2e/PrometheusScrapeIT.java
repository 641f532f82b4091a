package dev.palisade.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.common.pki.Pem;
import dev.palisade.testing.MonitoringFiles.LabelMatcher;
import dev.palisade.testing.MonitoringFiles.Selector;
import dev.palisade.sidecar.proxy.ProxyCommand;
import dev.palisade.sidecar.proxy.RunningProxy;
import dev.palisade.sidecar.selfcheck.EchoServer;
import dev.palisade.testing.OperatorStack;
import dev.palisade.testing.Prometheus;
import dev.palisade.testing.PrometheusText;
import dev.palisade.testing.MonitoringFiles;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerts and dashboards against what the code really exports: a real operator (with its
 * CA, on the test control plane) and a real proxy that got its certificate from it, scraped
 * over HTTP, and a real Prometheus scraping both with the chart's alert rules and one
 * recording rule per dashboard query loaded.
 */
class PrometheusScrapeIT {

  private static final String NS = "observability-it";
  private static final String TRUST_DOMAIN = "observability.it";

  @TempDir static Path dir;
  private static OperatorStack stack;
  private static EchoServer echo;
  private static RunningProxy proxy;
  private static Prometheus prometheus;

  @BeforeAll
  static void start() throws Exception {
    stack = new OperatorStack(TRUST_DOMAIN, NS);
    await("trust bundle").atMost(Duration.ofSeconds(60)).until(() -> !stack.bundle().isEmpty());
    Files.writeString(dir.resolve("ca.crt"), Pem.certificates(stack.bundle()));
    echo = EchoServer.start();
    stack.workloads.serviceAccount("web");
    Pod pod = stack.workloads.pod("web-0", "web", Map.of("palisade.dev/proxy", "injected"));
    Path token = dir.resolve("web-0.token");
    Files.writeString(token, stack.workloads.token(pod, "palisade"));
    proxy = ProxyCommand.start(new String[] {"--trust-domain=" + TRUST_DOMAIN,
        "--ca-bundle=" + dir.resolve("ca.crt"), "--token-file=" + token,
        "--ca-endpoint=" + stack.https("/v1/certificates"), "--config-endpoint=" + stack.https("/"),
        "--pod-name=web-0", "--listen-address=127.0.0.1", "--admin-address=127.0.0.1",
        "--ephemeral-ports", "--worker-threads=1",
        "--inbound-target-port=" + echo.port(), "--outbound-target=127.0.0.1:1"}, null);
    await("proxy ready (certificate and first configuration)").atMost(Duration.ofSeconds(60))
        .until(() -> proxy.runtime().ready());
    await("CA expiry published").atMost(Duration.ofSeconds(60))
        .until(() -> operatorMetrics().text().contains("palisade_ca_expiry_timestamp_seconds{role=\"issuer\"}"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (echo != null) {
      echo.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void everyMetricTheAlertsAndDashboardsUseIsExportedWithTheValuesTheyMatch() {
    Map<String, Set<String>> exported = exportedSeries(
        operatorMetrics().text() + "\n" + proxyMetrics().text());
    List<String> expressions = new ArrayList<>(MonitoringFiles.alerts().values());
    MonitoringFiles.panelQueries().forEach(q -> expressions.add(q.expr()));
    Set<String> used = new TreeSet<>();
    for (String expr : expressions) {
      for (Selector selector : MonitoringFiles.selectors(expr)) {
        used.add(selector.metric());
        assertThat(exported).as("exported metrics (in " + expr + ")")
            .containsKey(selector.metric());
        Set<String> series = exported.get(selector.metric());
        for (LabelMatcher matcher : selector.matchers()) {
          if (matcher.value().contains(".*") || matcher.label().equals("namespace")
              || matcher.label().equals("pod")) {
            continue; // dashboard variables and target labels, not the code's
          }
          // Each value a matcher names (every alternative of a regex) is a value the code
          // exports for that label: a typo would make an alert that never fires.
          for (String value : matcher.value().split("\\|")) {
            String pair = matcher.label() + "=\"" + value + "\"";
            assertThat(series).as(selector.metric() + " series with " + pair + " (in " + expr + ")")
                .anyMatch(labels -> labels.contains(pair));
          }
        }
      }
    }
    // The contract's metrics (docs/architecture.md) are all watched somewhere.
    assertThat(used).contains("palisade_tls_handshakes_total",
        "palisade_tls_handshake_duration_seconds_bucket", "palisade_connections_active",
        "palisade_connections_total", "palisade_transmitted_bytes_total",
        "palisade_authz_decisions_total", "palisade_certificate_expiry_timestamp_seconds",
        "palisade_certificate_renewals_total", "palisade_ca_certificates_issued_total",
        "palisade_ca_signing_duration_seconds_bucket", "palisade_ca_expiry_timestamp_seconds",
        "palisade_webhook_requests_total", "palisade_webhook_duration_seconds_bucket");
  }

  @Test
  void aRealPrometheusScrapesBothEvaluatesTheRulesAndSeesRefusals() throws Exception {
    Path rules = dir.resolve("dashboard-queries.yaml");
    Files.writeString(rules, MonitoringFiles.dashboardRecordingRules());
    prometheus = Prometheus.start(dir.resolve("prometheus"), List.of(
            new Prometheus.Target("palisade-operator", stack.servers.adminPort(), "palisade-system",
                "palisade-operator-0"),
            new Prometheus.Target("palisade-proxy", proxy.runtime().adminAddress().getPort(), NS,
                "web-0")),
        List.of(MonitoringFiles.ALERTS, rules));

    await("both targets up").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(prometheus.query("sum(up)").path(0).path("value").path(1).asText())
            .isEqualTo("2"));
    // The certificate the operator issued, as Prometheus has it: about 24h ahead.
    await("certificate expiry scraped").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(prometheus.query(
            "palisade_certificate_expiry_timestamp_seconds{namespace=\"" + NS + "\"} - time()")
            .path(0).path("value").path(1).asDouble()).isBetween(20 * 3600.0, 24 * 3600.0));

    // Every rule, alerts and dashboard queries, evaluates without error on real series.
    await("every rule evaluated").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      List<String> problems = new ArrayList<>();
      int count = 0;
      for (JsonNode group : prometheus.api("/api/v1/rules").path("data").path("groups")) {
        for (JsonNode rule : group.path("rules")) {
          count++;
          if (!rule.path("health").asText().equals("ok")) {
            problems.add(rule.path("name").asText() + ": " + rule.path("health").asText() + " "
                + rule.path("lastError").asText());
          }
        }
      }
      assertThat(problems).isEmpty();
      assertThat(count).isEqualTo(MonitoringFiles.alerts().size()
          + MonitoringFiles.panelQueries().size());
    });
    // A healthy mesh raises nothing.
    assertThat(prometheus.api("/api/v1/alerts").path("data").path("alerts")).isEmpty();
    // The CA panel's query finds both roles.
    await("CA panel recorded").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(prometheus.query("count(" + recordOf("palisade-control-plane",
            "CA time to expiry") + ")").path(0).path("value").path(1).asText()).isEqualTo("2"));

    // Garbage on the STRICT inbound port: refused, and the handshake alert picks it up.
    await("refusals alert pending").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
        .untilAsserted(() -> {
          sendGarbage(proxy.runtime().inboundAddress());
          List<String> pending = new ArrayList<>();
          for (JsonNode alert : prometheus.api("/api/v1/alerts").path("data").path("alerts")) {
            pending.add(alert.path("labels").path("alertname").asText() + " "
                + alert.path("labels").path("namespace").asText() + " "
                + alert.path("labels").path("direction").asText() + " "
                + alert.path("state").asText());
          }
          assertThat(pending).contains("PalisadeHandshakeFailuresHigh " + NS + " inbound pending");
        });
    assertThat(prometheus.query("sum(" + recordOf("palisade-data-plane", "Refusals by reason")
        + ")").path(0).path("value").path(1).asDouble()).isPositive();
  }

  /** The recording rule of a panel's first query. */
  private static String recordOf(String dashboard, String title) {
    return MonitoringFiles.panelQueries().stream()
        .filter(q -> q.dashboard().equals(dashboard) && q.title().equals(title))
        .map(MonitoringFiles::recordName).findFirst().orElseThrow();
  }

  private static void sendGarbage(InetSocketAddress inbound) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(inbound, 5_000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.shutdownOutput();
      socket.getInputStream().readAllBytes();
    }
  }

  private static PrometheusText operatorMetrics() {
    return PrometheusText.scrape(URI.create("http://127.0.0.1:" + stack.servers.adminPort()
        + "/metrics"));
  }

  private static PrometheusText proxyMetrics() {
    return PrometheusText.scrape(URI.create("http://127.0.0.1:"
        + proxy.runtime().adminAddress().getPort() + "/metrics"));
  }

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*})? .*");

  /** Metric name to the label sets of its series, from a scrape. */
  private static Map<String, Set<String>> exportedSeries(String text) {
    Map<String, Set<String>> series = new TreeMap<>();
    text.lines().filter(line -> !line.startsWith("#")).map(SAMPLE::matcher)
        .filter(java.util.regex.Matcher::matches)
        .forEach(m -> series.computeIfAbsent(m.group(1), k -> new TreeSet<>())
            .add(m.group(2) == null ? "" : m.group(2)));
    return series;
  }

}
