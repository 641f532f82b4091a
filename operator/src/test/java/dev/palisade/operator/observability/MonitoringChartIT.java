package dev.palisade.operator.observability;

import static dev.palisade.testing.MonitoringFiles.ALERTS;
import static dev.palisade.testing.MonitoringFiles.ALERTS_TEST;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.testing.CommandLine;
import dev.palisade.testing.Helm;
import dev.palisade.testing.PrometheusBinaries;
import dev.palisade.testing.RepoFiles;
import dev.palisade.testing.MonitoringFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's alert rules and dashboards, checked with the real promtool and helm: the rules
 * load, each alert fires on a failing series and stays quiet on a healthy one
 * (files/alerts_test.yaml), every dashboard query parses, and the chart renders both as
 * documented (docs/observability.md). That the names are the ones the code exports, and that
 * a real Prometheus evaluates it all, is {@link PrometheusScrapeIT}.
 */
class MonitoringChartIT {

  private static final String NAMESPACE = "palisade-system";

  @TempDir Path dir;

  @Test
  void theAlertRulesLoad() {
    String out = promtool("check", "rules", ALERTS.toString()).orThrow();
    assertThat(out).contains("SUCCESS: " + MonitoringFiles.alerts().size() + " rules found");
  }

  @Test
  void everyAlertPassesItsUnitTests() {
    CommandLine.Result result = promtool("test", "rules", ALERTS_TEST.toString());
    assertThat(result.succeeded()).as(result.stdout() + result.stderr()).isTrue();
    assertThat(result.stdout()).contains("SUCCESS");
  }

  @Test
  void everyAlertIsTestedFiringAndQuiet() {
    Set<String> firing = new TreeSet<>();
    Set<String> quiet = new TreeSet<>();
    for (JsonNode test : MonitoringFiles.alertsTestYaml().path("tests")) {
      for (JsonNode check : test.path("alert_rule_test")) {
        (check.path("exp_alerts").isEmpty() ? quiet : firing).add(check.path("alertname").asText());
      }
    }
    Set<String> alerts = MonitoringFiles.alerts().keySet();
    assertThat(firing).as("alerts tested firing").containsExactlyInAnyOrderElementsOf(alerts);
    assertThat(quiet).as("alerts tested quiet").containsExactlyInAnyOrderElementsOf(alerts);
  }

  @Test
  void everyAlertSaysHowBadAndWhatToCheck() {
    for (JsonNode group : MonitoringFiles.alertsYaml().path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        String alert = rule.path("alert").asText();
        assertThat(rule.path("labels").path("severity").asText()).as(alert)
            .isIn("critical", "warning", "info");
        assertThat(rule.path("annotations").path("summary").asText()).as(alert).isNotBlank();
        assertThat(rule.path("annotations").path("description").asText()).as(alert).isNotBlank();
        String runbook = rule.path("annotations").path("runbook").asText();
        assertThat(runbook).as(alert).matches("docs/[a-z-]+\\.md#[a-z-]+");
        Path doc = RepoFiles.resolve(runbook.split("#")[0]);
        assertThat(doc).as(alert + " runbook").exists();
        assertThat(anchors(doc)).as(alert + " runbook section").contains(runbook.split("#")[1]);
        assertThat(readString(RepoFiles.resolve("docs/observability.md")))
            .as("docs/observability.md explains " + alert).contains(alert);
      }
    }
  }

  @Test
  void theDashboardsAreWhatTheirGeneratorWrites() {
    CommandLine.run("python3", RepoFiles.resolve("hack/generate-dashboards.py").toString(),
        "--check").orThrow();
    assertThat(MonitoringFiles.dashboardFiles()).extracting(f -> f.getFileName().toString())
        .containsExactly("palisade-control-plane.json", "palisade-identity-ca.json",
            "palisade-mesh-overview.json", "palisade-workload.json");
  }

  @Test
  void everyDashboardQueryParses() throws IOException {
    List<MonitoringFiles.PanelQuery> queries = MonitoringFiles.panelQueries();
    assertThat(queries).hasSizeGreaterThan(10);
    Path rules = dir.resolve("dashboard-queries.yaml");
    Files.writeString(rules, MonitoringFiles.dashboardRecordingRules());
    String out = promtool("check", "rules", rules.toString()).orThrow();
    assertThat(out).contains("SUCCESS: " + queries.size() + " rules found");
  }

  @Test
  void everyDashboardQueriesTheChosenDataSource() {
    Set<String> uids = new HashSet<>();
    for (Path file : MonitoringFiles.dashboardFiles()) {
      JsonNode dashboard = MonitoringFiles.dashboard(file);
      assertThat(uids.add(dashboard.path("uid").asText())).as(file + " uid unique").isTrue();
      List<String> variables = new ArrayList<>();
      dashboard.path("templating").path("list").forEach(v -> variables.add(
          v.path("name").asText() + ":" + v.path("type").asText()));
      assertThat(variables).as(file + " variables").contains("datasource:datasource");
      Set<Integer> ids = new HashSet<>();
      for (JsonNode panel : MonitoringFiles.panels(dashboard)) {
        assertThat(ids.add(panel.path("id").asInt())).as(file + " panel ids unique").isTrue();
        if (!panel.path("type").asText().equals("row")) {
          assertThat(panel.path("datasource").path("uid").asText())
              .as(file + " " + panel.path("title")).isEqualTo("${datasource}");
          assertThat(panel.path("targets")).as(file + " " + panel.path("title")).isNotEmpty();
        }
      }
    }
  }

  @Test
  void byDefaultTheChartShipsTheDashboardsButNoPrometheusRule() throws IOException {
    List<JsonNode> manifests = manifests(new Helm().template(NAMESPACE));
    assertThat(kinds(manifests)).doesNotContain("PrometheusRule");
    JsonNode dashboards = only(manifests, "ConfigMap", "palisade-dashboards");
    assertThat(dashboards.path("metadata").path("namespace").asText()).isEqualTo(NAMESPACE);
    assertThat(dashboards.path("metadata").path("labels").path("grafana_dashboard").asText())
        .isEqualTo("1");
    List<String> keys = new ArrayList<>();
    dashboards.path("data").fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactlyInAnyOrderElementsOf(
        MonitoringFiles.dashboardFiles().stream().map(f -> f.getFileName().toString()).toList());
    for (Path file : MonitoringFiles.dashboardFiles()) {
      assertThat(MonitoringFiles.JSON.readTree(
          dashboards.path("data").path(file.getFileName().toString()).asText()))
          .as(file.getFileName().toString()).isEqualTo(MonitoringFiles.dashboard(file));
    }
  }

  @Test
  void enabledThePrometheusRuleCarriesTheRulesFileAndItsLabels() {
    List<JsonNode> manifests = manifests(new Helm().template(NAMESPACE,
        "monitoring.prometheusRule.enabled=true",
        "monitoring.prometheusRule.labels.release=kube-prometheus-stack",
        "monitoring.dashboards.enabled=false"));
    assertThat(kinds(manifests)).doesNotContain("ConfigMap");
    JsonNode rule = only(manifests, "PrometheusRule", "palisade");
    assertThat(rule.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(rule.path("metadata").path("namespace").asText()).isEqualTo(NAMESPACE);
    assertThat(rule.path("metadata").path("labels").path("release").asText())
        .isEqualTo("kube-prometheus-stack");
    assertThat(rule.path("spec")).isEqualTo(MonitoringFiles.alertsYaml());
  }

  @Test
  void thePrometheusRulesOwnRulesLoadInPrometheus() throws IOException {
    JsonNode rule = only(manifests(new Helm().template(NAMESPACE,
        "monitoring.prometheusRule.enabled=true")), "PrometheusRule", "palisade");
    Path rules = dir.resolve("from-prometheusrule.yaml");
    MonitoringFiles.YAML.writeValue(rules.toFile(), rule.path("spec"));
    promtool("check", "rules", rules.toString()).orThrow();
  }

  @Test
  void theMonitorsSelectTheInjectedProxiesAndTheOperatorService() throws IOException {
    assertThat(kinds(manifests(new Helm().template(NAMESPACE))))
        .doesNotContain("PodMonitor", "ServiceMonitor");
    List<JsonNode> manifests = manifests(new Helm().template(NAMESPACE,
        "monitoring.podMonitor.enabled=true", "monitoring.serviceMonitor.enabled=true"));

    // The proxies: the label and the admin port's name that the injector gives a pod.
    JsonNode injected = MonitoringFiles.YAML.readTree(
        RepoFiles.resolve("operator/src/test/resources/injection/out-annotation-opt-in.yaml")
            .toFile());
    JsonNode podMonitor = only(manifests, "PodMonitor", "palisade-proxies").path("spec");
    assertThat(podMonitor.path("namespaceSelector").path("any").asBoolean()).isTrue();
    podMonitor.path("selector").path("matchLabels").fields().forEachRemaining(label ->
        assertThat(injected.path("metadata").path("labels").path(label.getKey()).asText())
            .as("injected pod's label " + label.getKey()).isEqualTo(label.getValue().asText()));
    String adminPort = null;
    for (String list : new String[] {"containers", "initContainers"}) {
      for (JsonNode container : injected.path("spec").path(list)) {
        for (JsonNode port : container.path("ports")) {
          if (port.path("containerPort").asInt() == 15020) {
            adminPort = port.path("name").asText();
          }
        }
      }
    }
    assertThat(podMonitor.path("podMetricsEndpoints").path(0).path("port").asText())
        .isEqualTo(adminPort);
    assertThat(podMonitor.path("podMetricsEndpoints").path(0).path("path").asText())
        .isEqualTo("/metrics");

    // The operator: its Service's labels and metrics port.
    JsonNode service = only(manifests, "Service", "palisade-operator");
    JsonNode serviceMonitor = only(manifests, "ServiceMonitor", "palisade-operator").path("spec");
    serviceMonitor.path("selector").path("matchLabels").fields().forEachRemaining(label ->
        assertThat(service.path("metadata").path("labels").path(label.getKey()).asText())
            .as("Service label " + label.getKey()).isEqualTo(label.getValue().asText()));
    List<String> servicePorts = new ArrayList<>();
    service.path("spec").path("ports").forEach(port -> servicePorts.add(port.path("name").asText()));
    assertThat(servicePorts).contains(serviceMonitor.path("endpoints").path(0).path("port").asText());

    // An operator running outside the cluster has no Service to scrape.
    assertThat(kinds(manifests(new Helm().template(NAMESPACE,
        "monitoring.serviceMonitor.enabled=true", "operator.deploy=false"))))
        .doesNotContain("ServiceMonitor");
  }

  private static CommandLine.Result promtool(String... args) {
    List<String> command = new ArrayList<>(List.of(PrometheusBinaries.promtool().toString()));
    command.addAll(List.of(args));
    return CommandLine.run(command);
  }

  private static List<JsonNode> manifests(String yaml) {
    try {
      return MonitoringFiles.YAML.readValues(MonitoringFiles.YAML.createParser(yaml),
          JsonNode.class).readAll().stream().filter(n -> n != null && !n.isEmpty()).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<String> kinds(List<JsonNode> manifests) {
    return manifests.stream().map(m -> m.path("kind").asText()).toList();
  }

  private static JsonNode only(List<JsonNode> manifests, String kind, String name) {
    List<JsonNode> found = manifests.stream().filter(m -> m.path("kind").asText().equals(kind)
        && m.path("metadata").path("name").asText().equals(name)).toList();
    assertThat(found).as(kind + " " + name).hasSize(1);
    return found.getFirst();
  }

  /** GitHub's anchors of a Markdown file's headings. */
  private static Set<String> anchors(Path markdown) {
    Set<String> anchors = new HashSet<>();
    for (String line : readString(markdown).lines().toList()) {
      if (line.startsWith("#")) {
        anchors.add(line.replaceFirst("^#+\\s*", "").toLowerCase(java.util.Locale.ROOT)
            .replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
      }
    }
    return anchors;
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
