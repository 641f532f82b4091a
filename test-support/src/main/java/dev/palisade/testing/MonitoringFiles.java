package dev.palisade.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The chart's monitoring files as users get them: the alert rules (files/alerts.yaml), their
 * unit tests, and the Grafana dashboards (dashboards/*.json), with the PromQL they contain.
 */
public final class MonitoringFiles {

  public static final Path CHART = RepoFiles.resolve("charts/palisade");
  public static final Path ALERTS = CHART.resolve("files/alerts.yaml");
  public static final Path ALERTS_TEST = CHART.resolve("files/alerts_test.yaml");
  public static final Path DASHBOARDS = CHART.resolve("dashboards");

  public static final YAMLMapper YAML = new YAMLMapper();
  public static final ObjectMapper JSON = new ObjectMapper();

  /** A metric selector in an expression, {@code name{label op "value", ...}}. */
  public record Selector(String metric, List<LabelMatcher> matchers) {}

  public record LabelMatcher(String label, String op, String value) {}

  /** One query of a dashboard panel, with the Grafana variables substituted. */
  public record PanelQuery(String dashboard, int panelId, String title, String refId, String expr) {}

  /** Palisade's own metrics and the operator's JVM and process ones (docs/metrics.md). */
  private static final Pattern METRIC = Pattern.compile(
      "\\b((?:palisade|jvm|process|system)_[a-z0-9_]+)\\b(\\{[^}]*\\})?");
  private static final Pattern MATCHER =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([a-zA-Z_]+)}?");

  private MonitoringFiles() {}

  public static JsonNode alertsYaml() {
    return read(YAML, ALERTS);
  }

  public static JsonNode alertsTestYaml() {
    return read(YAML, ALERTS_TEST);
  }

  /** Alert name to expression, in file order. */
  public static Map<String, String> alerts() {
    Map<String, String> alerts = new LinkedHashMap<>();
    for (JsonNode group : alertsYaml().path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        alerts.put(rule.path("alert").asText(), rule.path("expr").asText());
      }
    }
    return alerts;
  }

  public static List<Path> dashboardFiles() {
    try (Stream<Path> files = Files.list(DASHBOARDS)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode dashboard(Path file) {
    return read(JSON, file);
  }

  /** Every panel's queries, rows' nested panels included, with variables substituted. */
  public static List<PanelQuery> panelQueries() {
    List<PanelQuery> queries = new ArrayList<>();
    for (Path file : dashboardFiles()) {
      JsonNode dashboard = dashboard(file);
      for (JsonNode panel : panels(dashboard)) {
        for (JsonNode target : panel.path("targets")) {
          queries.add(new PanelQuery(dashboard.path("uid").asText(), panel.path("id").asInt(),
              panel.path("title").asText(), target.path("refId").asText(),
              substitute(target.path("expr").asText())));
        }
      }
    }
    return queries;
  }

  public static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> panels = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      panels.add(panel);
      panel.path("panels").forEach(panels::add);
    }
    return panels;
  }

  /**
   * What Grafana sends for an expression: {@code $__rate_interval} becomes a duration, the
   * multi-value variables (namespace, pod, workload) with "All" selected become {@code .*}.
   */
  public static String substitute(String expr) {
    Matcher m = VARIABLE.matcher(expr);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement = switch (m.group(1)) {
        case "__rate_interval", "__interval", "__range" -> "1m";
        case "namespace", "pod", "workload" -> ".*";
        default -> throw new IllegalArgumentException("unknown variable " + m.group() + " in " + expr);
      };
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The palisade_* metrics an expression selects, with their label matchers. */
  public static List<Selector> selectors(String expr) {
    List<Selector> selectors = new ArrayList<>();
    Matcher m = METRIC.matcher(expr);
    while (m.find()) {
      List<LabelMatcher> matchers = new ArrayList<>();
      if (m.group(2) != null) {
        Matcher label = MATCHER.matcher(m.group(2));
        while (label.find()) {
          matchers.add(new LabelMatcher(label.group(1), label.group(2), label.group(3)));
        }
      }
      selectors.add(new Selector(m.group(1), matchers));
    }
    return selectors;
  }

  /**
   * A Prometheus rule file with one recording rule per dashboard query, so that promtool
   * parses them and a real Prometheus evaluates them.
   */
  public static String dashboardRecordingRules() {
    StringBuilder rules = new StringBuilder("groups:\n  - name: palisade-dashboard-queries\n    rules:\n");
    for (PanelQuery query : panelQueries()) {
      rules.append("      - record: ").append(recordName(query)).append('\n')
          .append("        expr: ").append(quote(query.expr())).append('\n');
    }
    return rules.toString();
  }

  public static String recordName(PanelQuery query) {
    return "dashboard:" + query.dashboard().replace('-', '_') + "_panel" + query.panelId() + "_"
        + query.refId();
  }

  private static String quote(String text) {
    try {
      return JSON.writeValueAsString(text); // a JSON string is a YAML double-quoted scalar
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode read(ObjectMapper mapper, Path file) {
    try {
      return mapper.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
