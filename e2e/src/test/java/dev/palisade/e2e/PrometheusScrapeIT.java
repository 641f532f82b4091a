package dev.palisade.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.api.v1alpha1.MeshPolicy;
import dev.palisade.api.v1alpha1.MeshPolicySpec;
import dev.palisade.api.v1alpha1.WorkloadSelector;
import dev.palisade.common.json.JsonDocuments;
import dev.palisade.common.pki.Fingerprints;
import dev.palisade.common.pki.KeyType;
import dev.palisade.common.pki.Pem;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.sidecar.identity.IdentityClient;
import dev.palisade.sidecar.identity.IdentityException;
import dev.palisade.common.sidecar.ProxyIdentity;
import dev.palisade.operator.config.ConfigService;
import dev.palisade.operator.injection.PodInjectionWebhook;
import dev.palisade.testing.TrustingRoot;
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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
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
 * CA, on the test control plane) and two real proxies that got their certificates from it, the
 * client's outbound connections reaching the server's inbound over mTLS (the operator's
 * destination lookup finds the server's pod at 127.0.0.1), scraped over HTTP, and a real
 * Prometheus scraping all three with the chart's alert rules and one recording rule per
 * dashboard query loaded: every rule evaluates, and every panel returns data. The same pair
 * shows that what a proxy says it holds ({@code GET /identity}) is what the operator serves it
 * ({@code GET /v1/config-version} on the operator's admin port), as {@code palisade
 * proxy-status} compares them.
 */
class PrometheusScrapeIT {

  private static final String NS = "observability-it";
  private static final String TRUST_DOMAIN = "observability.it";

  @TempDir static Path dir;
  private static OperatorStack stack;
  private static EchoServer echo;
  private static RunningProxy proxy;
  private static RunningProxy client;
  private static int policyEdits;
  private static Prometheus prometheus;

  @BeforeAll
  static void start() throws Exception {
    stack = new OperatorStack(TRUST_DOMAIN, NS);
    await("trust bundle").atMost(Duration.ofSeconds(60)).until(() -> !stack.bundle().isEmpty());
    Files.writeString(dir.resolve("ca.crt"), Pem.certificates(stack.bundle()));
    echo = EchoServer.start();
    // The server's pod is at 127.0.0.1, so the client's outbound lookup finds it meshed.
    proxy = startProxy(stack.workloads.running(injectedPod("web-0", "web"), "127.0.0.1"),
        "--outbound-target=127.0.0.1:1");
    client = startProxy(injectedPod("client-0", "client"), "--outbound-target=127.0.0.1:"
        + proxy.runtime().inboundAddress().getPort());
    await("proxies ready (certificate and first configuration)").atMost(Duration.ofSeconds(60))
        .until(() -> proxy.runtime().ready() && client.runtime().ready());
    await("CA expiry published").atMost(Duration.ofSeconds(60))
        .until(() -> operatorMetrics().text().contains("palisade_ca_expiry_timestamp_seconds{role=\"issuer\"}"));
  }

  private static Pod injectedPod(String name, String serviceAccount) {
    stack.workloads.serviceAccount(serviceAccount);
    return stack.workloads.pod(name, serviceAccount, Map.of("palisade.dev/proxy", "injected"));
  }

  private static RunningProxy startProxy(Pod pod, String outbound) throws Exception {
    String name = pod.getMetadata().getName();
    Path token = dir.resolve(name + ".token");
    Files.writeString(token, stack.workloads.token(pod, "palisade"));
    return ProxyCommand.start(new String[] {"--trust-domain=" + TRUST_DOMAIN,
        "--ca-bundle=" + dir.resolve("ca.crt"), "--token-file=" + token,
        "--ca-endpoint=" + stack.https("/v1/certificates"), "--config-endpoint=" + stack.https("/"),
        "--pod-name=" + name, "--listen-address=127.0.0.1", "--admin-address=127.0.0.1",
        "--ephemeral-ports", "--worker-threads=1",
        "--inbound-target-port=" + echo.port(), outbound}, null);
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.close();
    }
    if (client != null) {
      client.close();
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
        operatorMetrics().text() + "\n" + proxyMetrics(proxy).text());
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
              || matcher.label().equals("pod") || matcher.label().equals("area")) {
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
                "web-0"),
            new Prometheus.Target("palisade-proxy", client.runtime().adminAddress().getPort(), NS,
                "client-0")),
        List.of(MonitoringFiles.ALERTS, rules));

    await("both targets up").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(prometheus.query("sum(up)").path(0).path("value").path(1).asText())
            .isEqualTo("3"));
    // The certificate the operator issued, as Prometheus has it: about 24h ahead.
    await("certificate expiry scraped").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(prometheus.query(
            "palisade_certificate_expiry_timestamp_seconds{pod=\"web-0\"} - time()")
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
        assertThat(prometheus.query("count(" + recordOf("palisade-identity-ca",
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
    // The panel's 1-minute rate, recorded each second, shows them too.
    await("refusals on the panel").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
          sendGarbage(proxy.runtime().inboundAddress());
          assertThat(prometheus.query("sum(" + recordOf("palisade-mesh-overview",
              "Refusals by reason") + ")").path(0).path("value").path(1).asDouble()).isPositive();
        });

    // Traffic of every kind the dashboards show, until every panel's query returns a number
    // (not only series at zero or NaN: a rate, ratio or quantile needs events in its window).
    String clientIdentity = "spiffe://" + TRUST_DOMAIN + "/ns/" + NS + "/sa/client";
    await("every dashboard panel returns data").atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
          roundTripThroughTheMesh();
          sendGarbage(proxy.runtime().inboundAddress());
          askTheWebhook();
          askForACertificate();
          changeAPolicy();
          List<String> without = new ArrayList<>();
          for (MonitoringFiles.PanelQuery query : MonitoringFiles.panelQueries()) {
            JsonNode result = prometheus.query(MonitoringFiles.recordName(query));
            boolean aNumber = false;
            for (JsonNode series : result) {
              aNumber |= !Double.isNaN(series.path("value").path(1).asDouble(Double.NaN));
            }
            if (!aNumber) {
              without.add(query.dashboard() + ": " + query.title() + " " + query.refId());
            }
          }
          assertThat(without).as("panels without a number").isEmpty();
          // Who talks to whom: the server's proxy names its caller by the identity it verified.
          assertThat(prometheus.query(recordOf("palisade-mesh-overview",
              "Top callers by connections"))).anySatisfy(series -> {
                assertThat(series.path("metric").path("pod").asText()).isEqualTo("web-0");
                assertThat(series.path("metric").path("peer").asText()).isEqualTo(clientIdentity);
                assertThat(series.path("value").path(1).asDouble()).isPositive();
              });
        });
    // Two Palisade proxies: every handshake between them is post-quantum.
    assertThat(prometheus.query(recordOf("palisade-mesh-overview", "Post-quantum handshakes"))
        .path(0).path("value").path(1).asDouble()).isEqualTo(1.0);
    assertThat(proxyMetrics(client).text()).contains("palisade_connections_total{direction="
        + "\"outbound\",peer=\"spiffe://" + TRUST_DOMAIN + "/ns/" + NS + "/sa/web\"}");
  }

  /** A signing request, as a proxy renewing its certificate makes it. */
  private static void askForACertificate() throws Exception {
    try {
      new IdentityClient(URI.create(stack.https("/v1/certificates")),
          dir.resolve("client-0.token"), stack::bundle, KeyType.ECDSA_P256).fetch();
    } catch (IdentityException e) {
      // a refusal (the per-caller rate limit) is an answer the panels count too
    }
  }

  /** A MeshPolicy that selects no pod, edited: a reconcile, and nothing else changes. */
  private static void changeAPolicy() {
    MeshPolicy policy = new MeshPolicy();
    policy.getMetadata().setName("dashboard-reconciles");
    policy.getMetadata().setNamespace(NS);
    policy.setSpec(new MeshPolicySpec());
    policy.getSpec().selector = new WorkloadSelector();
    policy.getSpec().selector.matchLabels = Map.of("app", "nobody");
    policy.getSpec().mode = ++policyEdits % 2 == 0 ? MtlsMode.STRICT : MtlsMode.PERMISSIVE;
    stack.admin.resource(policy).forceConflicts().serverSideApply();
  }

  @Test
  void eachProxyHoldsTheConfigurationVersionTheOperatorServesIt() throws Exception {
    for (RunningProxy which : List.of(proxy, client)) {
      await("in sync").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        ProxyIdentity identity = JsonDocuments.lenient().read(
            get(which.runtime().adminAddress().getPort(), ProxyIdentity.PATH).body(),
            ProxyIdentity.class);
        String pod = identity.spiffeId().endsWith("/sa/web") ? "web-0" : "client-0";
        HttpResponse<String> served = get(stack.servers.adminPort(),
            ConfigService.CONFIG_VERSION_PATH + "?pod=" + NS + "/" + pod);
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        assertThat(JsonDocuments.lenient().read(served.body(), Map.class).get("version"))
            .isEqualTo(identity.configVersion());
        assertThat(identity.trustBundleFingerprints()).contains(Fingerprints.sha256(
            stack.bundle().stream().filter(c -> c.getSubjectX500Principal().getName()
                .contains("O=" + TRUST_DOMAIN)).findFirst().orElseThrow()));
      });
    }
    assertThat(get(stack.servers.adminPort(), ConfigService.CONFIG_VERSION_PATH + "?pod="
        + NS + "/nobody").statusCode()).isEqualTo(404);
    assertThat(get(stack.servers.adminPort(), ConfigService.CONFIG_VERSION_PATH + "?pod=web-0")
        .statusCode()).isEqualTo(400);
  }

  private static HttpResponse<String> get(int port, String pathAndQuery) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  /** One request and its echo through client's outbound, mTLS, and web's inbound. */
  private static void roundTripThroughTheMesh() throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(client.runtime().outboundAddress(), 5_000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
      socket.shutdownOutput();
      assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
          .isEqualTo("ping\n");
    }
  }

  /** An admission review for a pod, as the API server would send it. */
  private static void askTheWebhook() throws Exception {
    X509Certificate root = stack.bundle().stream().filter(c -> c.getSubjectX500Principal()
        .getName().contains("O=" + TRUST_DOMAIN)).findFirst().orElseThrow();
    String review = """
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
          "uid": "%s", "kind": {"group": "", "version": "v1", "kind": "Pod"},
          "resource": {"group": "", "version": "v1", "resource": "pods"},
          "namespace": "%s", "operation": "CREATE",
          "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "app-0"},
            "spec": {"containers": [{"name": "app", "image": "example.invalid/app"}]}}}}
        """.formatted(java.util.UUID.randomUUID(), NS);
    try (HttpClient http = HttpClient.newBuilder().sslContext(TrustingRoot.sslContext(root))
        .build()) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
              "https://localhost:" + stack.servers.webhookPort() + PodInjectionWebhook.ENABLED_PATH))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(review)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
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

  private static PrometheusText proxyMetrics(RunningProxy which) {
    return PrometheusText.scrape(URI.create("http://127.0.0.1:"
        + which.runtime().adminAddress().getPort() + "/metrics"));
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
