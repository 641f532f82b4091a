package dev.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.palisade.operator.config.ConfigMetricsAccess;
import dev.palisade.operator.injection.PodInjectionWebhook;
import dev.palisade.operator.metrics.CaMetrics;
import dev.palisade.operator.metrics.JvmMetrics;
import dev.palisade.operator.metrics.ReconcileMetrics;
import dev.palisade.operator.metrics.WebhookMetrics;
import dev.palisade.operator.signing.SigningOutcome;
import dev.palisade.sidecar.metrics.ProxyMetrics;
import dev.palisade.testing.RepoFiles;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/metrics.md against what the code exports: the real meter binders, registered as the
 * operator and the proxy register them, scraped; and the dashboards and alerts that use them.
 * Fails on any metric, type, label or label value that one side has and the other lacks.
 */
class MetricsReferenceTest {

  private static final Pattern TYPE = Pattern.compile("^# TYPE (\\S+) (\\S+)$");
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? \\S+.*$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern METRIC = Pattern.compile("(palisade|jvm|process|system)_[a-z0-9_]+");
  private static final String JVM_SECTION = "## The operator's JVM";
  /** The controllers PalisadeOperator registers, by their configured names. */
  private static final List<String> CONTROLLERS = List.of("trustdomain", "trustbundle",
      "workloadcertificate", "webhook-ca-bundle", "meshpolicy", "accesspolicy",
      "certificaterevocation", "identitysuspension");

  /** A documented (or exported) family: type and, per label, its values. */
  record Family(String type, Map<String, Set<String>> labels) {}

  @Test
  void theProxysMetricsAreTheDocumentedOnes() {
    assertThat(exported(new ProxyMetrics().scrape()))
        .isEqualTo(documented("## The proxy (sidecar)"));
  }

  @Test
  void theOperatorsMetricsAreTheDocumentedOnes() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CaMetrics ca = new CaMetrics(registry);
    // the result sets CertificatesEndpoint and ServingCertificate declare
    ca.declareResults(CaMetrics.Kind.WORKLOAD,
        Arrays.stream(SigningOutcome.values()).map(SigningOutcome::label).toList());
    ca.declareResults(CaMetrics.Kind.SERVER, List.of(SigningOutcome.SUCCESS.label(),
        SigningOutcome.CA_UNAVAILABLE.label(), SigningOutcome.INTERNAL_ERROR.label()));
    ca.signingDuration().record(java.time.Duration.ofMillis(1));
    ca.caExpiry(CaMetrics.Role.ROOT, Instant.now());
    ca.caExpiry(CaMetrics.Role.ISSUER, Instant.now());
    new WebhookMetrics(registry, PodInjectionWebhook.METRICS_NAME,
        Arrays.stream(PodInjectionWebhook.Result.values()).map(PodInjectionWebhook.Result::label)
            .toList());
    ConfigMetricsAccess.register(registry);
    ca.rotationPhase(CaMetrics.RotationPhase.STEADY);
    ReconcileMetrics reconciles = new ReconcileMetrics(registry);
    CONTROLLERS.forEach(reconciles::declare);
    JvmMetrics.bindTo(registry);
    Map<String, Family> exported = exported(registry.scrape());
    Map<String, Family> own = new TreeMap<>(exported);
    own.keySet().removeIf(name -> !name.startsWith("palisade_"));
    assertThat(own).isEqualTo(documented("## The operator"));

    // The JVM's: names, types and label names; the values are the JVM's (pool names...).
    Map<String, Family> jvm = new TreeMap<>();
    exported.forEach((name, family) -> {
      if (!name.startsWith("palisade_")) {
        jvm.put(name, withoutValues(family));
      }
    });
    Map<String, Family> documentedJvm = new TreeMap<>();
    documented(JVM_SECTION).forEach((name, family) -> documentedJvm.put(name,
        withoutValues(family)));
    assertThat(jvm).isEqualTo(documentedJvm);
  }

  private static Family withoutValues(Family family) {
    Map<String, Set<String>> labels = new TreeMap<>();
    family.labels().keySet().forEach(label -> labels.put(label, Set.of()));
    return new Family(family.type(), labels);
  }

  @Test
  void theDashboardAndAlertColumnsSayWhatUsesEachMetric() throws Exception {
    Map<String, Set<String>> panels = new TreeMap<>();
    ObjectMapper json = new ObjectMapper();
    try (var files = Files.list(RepoFiles.resolve("charts/palisade/dashboards"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        JsonNode dashboard = json.readTree(file.toFile());
        String title = dashboard.path("title").asText().replace("Palisade / ", "");
        List<JsonNode> all = new ArrayList<>();
        collectPanels(dashboard.path("panels"), all);
        for (JsonNode panel : all) {
          for (String metric : metrics(panel.path("targets").toString())) {
            panels.computeIfAbsent(family(metric), k -> new TreeSet<>())
                .add(title + ": " + panel.path("title").asText());
          }
        }
      }
    }
    Map<String, Set<String>> alerts = new TreeMap<>();
    JsonNode rules = new YAMLMapper().readTree(
        RepoFiles.resolve("charts/palisade/files/alerts.yaml").toFile());
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        for (String metric : metrics(rule.path("expr").asText())) {
          alerts.computeIfAbsent(family(metric), k -> new TreeSet<>())
              .add(rule.path("alert").asText());
        }
      }
    }
    Map<String, Set<String>> documentedPanels = new TreeMap<>();
    Map<String, Set<String>> documentedAlerts = new TreeMap<>();
    List<List<String>> documentedRows = new ArrayList<>(rows("## The proxy (sidecar)",
        "## The operator"));
    documentedRows.addAll(rows(JVM_SECTION, null));
    for (List<String> row : documentedRows) {
      String metric = unquote(row.get(0));
      cells(row.get(4)).forEach(p -> documentedPanels
          .computeIfAbsent(family(metric), k -> new TreeSet<>()).add(p));
      cells(row.get(5)).forEach(a -> documentedAlerts
          .computeIfAbsent(family(metric), k -> new TreeSet<>()).add(a));
    }
    assertThat(documentedPanels).isEqualTo(panels);
    assertThat(documentedAlerts).isEqualTo(alerts);
  }

  /** Families by name, as the scrape shows them; histograms' series folded into their name. */
  static Map<String, Family> exported(String scrape) {
    Map<String, String> types = new TreeMap<>();
    for (String line : scrape.split("\n")) {
      Matcher type = TYPE.matcher(line);
      if (type.matches()) {
        String name = type.group(1);
        types.put(type.group(2).equals("counter") && !name.endsWith("_total")
            ? name + "_total" : name, type.group(2));
      }
    }
    Map<String, Family> families = new TreeMap<>();
    types.forEach((name, type) -> families.put(name, new Family(type, new TreeMap<>())));
    for (String line : scrape.split("\n")) {
      Matcher sample = SAMPLE.matcher(line);
      if (line.startsWith("#") || !sample.matches()) {
        continue;
      }
      String name = sample.group(1);
      String family = types.containsKey(name) ? name
          : name.replaceFirst("_(bucket|count|sum)$", "");
      Family f = families.get(family);
      assertThat(f).as("the family of sample %s", name).isNotNull();
      if (sample.group(3) != null) {
        Matcher label = LABEL.matcher(sample.group(3));
        while (label.find()) {
          if (!label.group(1).equals("le")) {
            f.labels().computeIfAbsent(label.group(1), k -> new TreeSet<>()).add(label.group(2));
          }
        }
      }
    }
    return families;
  }

  /** The families of one section of docs/metrics.md, with the label values' table. */
  static Map<String, Family> documented(String section) {
    Map<String, Family> families = new TreeMap<>();
    for (List<String> row : rows(section, null)) {
      Map<String, Set<String>> labels = new TreeMap<>();
      cellsByComma(row.get(2)).forEach(label -> labels.put(label, new TreeSet<>()));
      families.put(unquote(row.get(0)), new Family(row.get(1).trim(), labels));
    }
    for (List<String> row : rows("## Label values", null)) {
      Family family = families.get(unquote(row.get(0)));
      if (family != null) {
        Set<String> values = family.labels().get(unquote(row.get(1)));
        assertThat(values).as("label %s of %s is in the metric's row", row.get(1), row.get(0))
            .isNotNull();
        // "(and verified SPIFFE IDs)": an open part of the set, not exported at start-up
        values.addAll(cellsByComma(row.get(2).replaceFirst("\\s+\\(.*$", "")));
      }
    }
    return families;
  }

  /** The rows of the first table after heading {@code section}, without header and rule. */
  static List<List<String>> rows(String section, String alsoSection) {
    List<List<String>> rows = new ArrayList<>();
    for (String heading : alsoSection == null ? List.of(section) : List.of(section, alsoSection)) {
      List<String> lines = reference();
      int at = lines.indexOf(heading);
      assertThat(at).as("docs/metrics.md has a section %s", heading).isNotNegative();
      boolean inTable = false;
      int seen = 0;
      for (String line : lines.subList(at + 1, lines.size())) {
        if (line.startsWith("|")) {
          inTable = true;
          if (seen++ >= 2) {
            List<String> cells = new ArrayList<>(List.of(line.substring(1).split("\\|", -1)));
            cells.removeLast();
            rows.add(cells.stream().map(String::trim).toList());
          }
        } else if (inTable) {
          break;
        }
      }
    }
    return rows;
  }

  private static List<String> reference() {
    try {
      return Files.readAllLines(RepoFiles.resolve("docs/metrics.md"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Set<String> cellsByComma(String cell) {
    Set<String> values = new TreeSet<>();
    for (String value : cell.split(",")) {
      if (!value.isBlank()) {
        values.add(unquote(value));
      }
    }
    return values;
  }

  private static List<String> cells(String cell) {
    return Arrays.stream(cell.split(";")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static String unquote(String cell) {
    return cell.trim().replace("`", "");
  }

  private static void collectPanels(JsonNode panels, List<JsonNode> into) {
    for (JsonNode panel : panels) {
      into.add(panel);
      collectPanels(panel.path("panels"), into);
    }
  }

  private static Set<String> metrics(String expression) {
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(expression);
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }

  /** A histogram's series by its name; everything else as it is. */
  private static String family(String metric) {
    return metric.replaceFirst("_(bucket|count|sum)$", "");
  }
}
