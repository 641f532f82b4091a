package dev.palisade.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.palisade.testing.CommandLine;
import dev.palisade.testing.Helm;
import dev.palisade.testing.RepoFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Helm chart as users get it, through the real helm: it lints strictly, renders exactly the
 * committed snapshots for a few value sets, labels every object, names what two releases could
 * fight over after the release, tells the operator those names, and values.schema.json refuses
 * bad values with a message naming the value (docs/chart.md).
 *
 * <p>Snapshots: {@code operator/src/test/resources/chart/snapshots/<value set>.yaml} is
 * {@code helm template} (the dashboards' and alerts' bodies elided: {@code MonitoringChartIT}
 * checks them against their files), {@code <value set>-NOTES.txt} the notes {@code helm install}
 * prints. After a deliberate change to the chart, regenerate them with
 * {@code bash hack/update-chart-snapshots.sh} (or {@code -Dpalisade.golden.update=true}) and
 * review the diff like code.
 */
class ChartIT {

  private static final Path RESOURCES = RepoFiles.resolve("operator/src/test/resources/chart");
  private static final boolean UPDATE = Boolean.getBoolean("palisade.golden.update");
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Helm HELM = new Helm();

  @TempDir static Path temp;

  /** A release of the chart: its name, namespace and values file (none: the defaults). */
  record ValueSet(String name, String release, String namespace) {
    Path valuesFile() {
      return RESOURCES.resolve("values/" + name + ".yaml");
    }

    List<String> valuesArgs() {
      return Files.exists(valuesFile()) ? List.of("--values", valuesFile().toString()) : List.of();
    }

    boolean deploysOperator() {
      return !name.equals("operator-outside");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final ValueSet DEFAULTS = new ValueSet("defaults", "palisade", "palisade-system");
  static final ValueSet SECOND_RELEASE = new ValueSet("second-release", "mesh", "team-a");

  static List<ValueSet> valueSets() {
    return List.of(DEFAULTS,
        new ValueSet("operator-outside", "palisade", "palisade-system"),
        SECOND_RELEASE,
        new ValueSet("monitoring", "palisade", "palisade-system"),
        new ValueSet("scheduling", "palisade", "palisade-system"));
  }

  private static final Set<String> SELECTOR_LABELS = Set.of("app.kubernetes.io/name",
      "app.kubernetes.io/instance", "app.kubernetes.io/component");

  @ParameterizedTest
  @MethodSource("valueSets")
  void lintsStrictly(ValueSet set) {
    List<String> args = new ArrayList<>(List.of("lint", "--strict", Helm.chart().toString(),
        "--namespace", set.namespace()));
    args.addAll(set.valuesArgs());
    CommandLine.Result lint = HELM.run(args);
    assertThat(lint.succeeded()).as(lint.stdout() + lint.stderr()).isTrue();
    assertThat(lint.stdout()).contains("1 chart(s) linted, 0 chart(s) failed")
        .doesNotContain("[WARNING]", "[ERROR]");
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void rendersTheSnapshot(ValueSet set) throws IOException {
    String header = "# helm template " + set.release() + " charts/palisade --namespace "
        + set.namespace() + (set.valuesArgs().isEmpty() ? ""
        : " --values operator/src/test/resources/chart/values/" + set.name() + ".yaml")
        + "\n# (ChartIT; regenerate with bash hack/update-chart-snapshots.sh)\n";
    matchesSnapshot(set.name() + ".yaml", header + elideMonitoringBodies(template(set)));
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void printsTheNotesSnapshot(ValueSet set) throws IOException {
    matchesSnapshot(set.name() + "-NOTES.txt",
        notes(set.release(), set.namespace(), set.valuesArgs()));
  }

  @Test
  void theNotesSayWhatToDoNext() {
    String inCluster = notes("palisade", "palisade-system", List.of());
    assertThat(inCluster).contains("palisade.dev/inject=enabled", "examples/10-trustdomain.yaml",
        "get pods -l app.kubernetes.io/instance=palisade,app.kubernetes.io/component=operator",
        "docs/");
    String outside = notes("palisade", "palisade-system", List.of("--set", "operator.deploy=false"));
    assertThat(outside).contains("operator.deploy=false",
        "PALISADE_WEBHOOK_CONFIGURATION=palisade-inject", "set webhook.url",
        "palisade.dev/inject=enabled").doesNotContain("get pods -l");
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void everyObjectCarriesTheFullLabelSetAndSelectorsTheStableOnes(ValueSet set) {
    JsonNode chart = chartYaml();
    Map<String, String> full = Map.of(
        "app.kubernetes.io/name", "palisade",
        "app.kubernetes.io/instance", set.release(),
        "app.kubernetes.io/version", chart.path("appVersion").asText(),
        "app.kubernetes.io/part-of", "palisade",
        "app.kubernetes.io/managed-by", "Helm",
        "helm.sh/chart", "palisade-" + chart.path("version").asText());
    List<JsonNode> objects = objects(template(set));
    assertThat(objects).isNotEmpty();
    for (JsonNode object : objects) {
      Map<String, String> labels = strings(object.path("metadata").path("labels"));
      assertThat(labels).as(id(object) + " labels").containsAllEntriesOf(full)
          .containsKey("app.kubernetes.io/component");
      assertThat(labels.get("app.kubernetes.io/component")).as(id(object) + " component")
          .isIn("operator", "webhook", "admission-policy", "monitoring");
    }
    if (!set.deploysOperator()) {
      return;
    }
    JsonNode deployment = only(objects, "Deployment");
    Map<String, String> selector = strings(deployment.at("/spec/selector/matchLabels"));
    assertThat(selector.keySet()).as("Deployment selector").isEqualTo(SELECTOR_LABELS);
    assertThat(selector).containsEntry("app.kubernetes.io/component", "operator");
    assertThat(strings(deployment.at("/spec/template/metadata/labels")))
        .as("pod labels").containsAllEntriesOf(full).containsAllEntriesOf(selector);
    assertThat(strings(only(objects, "Service").at("/spec/selector"))).as("Service selector")
        .isEqualTo(selector);
    assertThat(strings(only(objects, "PodDisruptionBudget").at("/spec/selector/matchLabels")))
        .as("PodDisruptionBudget selector").isEqualTo(selector);
    for (JsonNode monitor : ofKind(objects, "ServiceMonitor")) {
      assertThat(strings(monitor.at("/spec/selector/matchLabels"))).as("ServiceMonitor selector")
          .isEqualTo(selector);
    }
  }

  @Test
  void theDefaultReleaseKeepsTheNamesTheDocsUse() {
    List<String> names = objects(template(DEFAULTS)).stream().map(ChartIT::id).sorted().toList();
    assertThat(names).containsExactly(
        "ClusterRole palisade-operator",
        "ClusterRoleBinding palisade-operator",
        "ConfigMap palisade-system/palisade-dashboards",
        "Deployment palisade-system/palisade-operator",
        "MutatingWebhookConfiguration palisade-inject",
        "PodDisruptionBudget palisade-system/palisade-operator",
        "Role palisade-system/palisade-operator",
        "RoleBinding palisade-system/palisade-operator",
        "Service palisade-system/palisade-operator",
        "ServiceAccount palisade-system/palisade-operator",
        "ValidatingAdmissionPolicy palisade-workloadcertificate-namespace",
        "ValidatingAdmissionPolicyBinding palisade-workloadcertificate-namespace");
  }

  @Test
  void twoReleasesInTwoNamespacesShareNoClusterScopedName() {
    List<JsonNode> first = objects(template(DEFAULTS));
    List<JsonNode> second = objects(template(SECOND_RELEASE));
    Set<String> firstClusterScoped = clusterScoped(first);
    Set<String> secondClusterScoped = clusterScoped(second);
    assertThat(kinds(firstClusterScoped)).containsExactlyInAnyOrder("ClusterRole",
        "ClusterRoleBinding", "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding");
    assertThat(secondClusterScoped).hasSameSizeAs(firstClusterScoped)
        .doesNotContainAnyElementsOf(firstClusterScoped)
        .allMatch(id -> id.contains(" mesh-palisade-"), "named after release mesh");
    for (JsonNode object : second) {
      if (!object.path("metadata").path("namespace").isMissingNode()) {
        assertThat(object.path("metadata").path("namespace").asText()).as(id(object))
            .isEqualTo("team-a");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void theOperatorIsToldTheNamesItsReleaseGaveItsObjects(ValueSet set) {
    List<JsonNode> objects = objects(template(set));
    String webhookConfiguration = name(only(objects, "MutatingWebhookConfiguration"));
    String serviceAccount = name(only(objects, "ServiceAccount"));
    JsonNode clusterRole = only(objects, "ClusterRole");
    List<String> webhookRule = new ArrayList<>();
    for (JsonNode rule : clusterRole.path("rules")) {
      if (rule.path("resources").toString().contains("mutatingwebhookconfigurations")) {
        rule.path("resourceNames").forEach(n -> webhookRule.add(n.asText()));
      }
    }
    assertThat(webhookRule).as("ClusterRole resourceNames").containsExactly(webhookConfiguration);
    JsonNode clusterRoleBinding = only(objects, "ClusterRoleBinding");
    assertThat(clusterRoleBinding.at("/roleRef/name").asText()).isEqualTo(name(clusterRole));
    assertThat(clusterRoleBinding.at("/subjects/0/name").asText()).isEqualTo(serviceAccount);
    assertThat(clusterRoleBinding.at("/subjects/0/namespace").asText()).isEqualTo(set.namespace());
    JsonNode roleBinding = only(objects, "RoleBinding");
    assertThat(roleBinding.at("/roleRef/name").asText()).isEqualTo(name(only(objects, "Role")));
    assertThat(roleBinding.at("/subjects/0/name").asText()).isEqualTo(serviceAccount);
    assertThat(only(objects, "ValidatingAdmissionPolicyBinding").at("/spec/policyName").asText())
        .isEqualTo(name(only(objects, "ValidatingAdmissionPolicy")));
    if (!set.deploysOperator()) {
      assertThat(ofKind(objects, "Deployment")).isEmpty();
      JsonNode webhooks = only(objects, "MutatingWebhookConfiguration").path("webhooks");
      assertThat(webhooks.findValuesAsText("url")).as("webhook.url, a path per webhook")
          .containsExactly("https://localhost:18443/mutate-pods/enabled",
              "https://localhost:18443/mutate-pods/enforced",
              "https://localhost:18443/mutate-pods/annotated");
      return;
    }
    JsonNode deployment = only(objects, "Deployment");
    Map<String, String> env = new TreeMap<>();
    deployment.at("/spec/template/spec/containers/0/env").forEach(e ->
        env.put(e.path("name").asText(), e.path("value").asText()));
    String service = name(only(objects, "Service"));
    assertThat(env).containsEntry("PALISADE_SERVICE_NAME", service)
        .containsEntry("PALISADE_WEBHOOK_CONFIGURATION", webhookConfiguration)
        .containsEntry("PALISADE_SERVICE_ACCOUNT", serviceAccount)
        .containsEntry("PALISADE_LEASE_NAME", name(deployment));
    assertThat(deployment.at("/spec/template/spec/serviceAccountName").asText())
        .isEqualTo(serviceAccount);
    for (JsonNode webhook : only(objects, "MutatingWebhookConfiguration").path("webhooks")) {
      assertThat(webhook.at("/clientConfig/service/name").asText()).isEqualTo(service);
      assertThat(webhook.at("/clientConfig/service/namespace").asText())
          .isEqualTo(set.namespace());
    }
  }

  @Test
  void byDefaultTheReplicasPreferDifferentNodesAndZonesWithoutRequiringThem() {
    JsonNode pod = only(objects(template(DEFAULTS)), "Deployment").at("/spec/template/spec");
    JsonNode antiAffinity = pod.at("/affinity/podAntiAffinity");
    assertThat(antiAffinity.has("requiredDuringSchedulingIgnoredDuringExecution")).isFalse();
    JsonNode preferred = antiAffinity.at("/preferredDuringSchedulingIgnoredDuringExecution/0");
    assertThat(preferred.at("/podAffinityTerm/topologyKey").asText())
        .isEqualTo("kubernetes.io/hostname");
    assertThat(strings(preferred.at("/podAffinityTerm/labelSelector/matchLabels")).keySet())
        .isEqualTo(SELECTOR_LABELS);
    assertThat(pod.path("topologySpreadConstraints")).allSatisfy(constraint -> {
      assertThat(constraint.path("whenUnsatisfiable").asText()).isEqualTo("ScheduleAnyway");
      assertThat(strings(constraint.at("/labelSelector/matchLabels")).keySet())
          .isEqualTo(SELECTOR_LABELS);
    });
    assertThat(pod.path("topologySpreadConstraints")).isNotEmpty();
  }

  @Test
  void theOperatorRunsRestrictedWithAWritableTmpAndAStartupProbe() {
    JsonNode pod = only(objects(template(DEFAULTS)), "Deployment").at("/spec/template/spec");
    JsonNode container = pod.at("/containers/0");
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(65532);
    assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(container.at("/securityContext/capabilities/drop").toString()).isEqualTo("[\"ALL\"]");
    assertThat(container.at("/volumeMounts/0/mountPath").asText()).isEqualTo("/tmp");
    JsonNode tmp = pod.at("/volumes/0");
    assertThat(tmp.path("name").asText()).isEqualTo(container.at("/volumeMounts/0/name").asText());
    assertThat(tmp.at("/emptyDir/sizeLimit").asText()).isEqualTo("64Mi");
    assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/healthz");
    assertThat(container.at("/startupProbe/httpGet/port").asText()).isEqualTo("metrics");
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
  }

  /** A value helm must refuse, and what its message must say. */
  record Refusal(String value, String path, String message) {
    @Override
    public String toString() {
      return value;
    }
  }

  static Stream<Refusal> refusals() {
    return Stream.of(
        new Refusal("webhook.failurePolicy=Sometimes", "/webhook/failurePolicy",
            "value must be one of 'Fail', 'Ignore'"),
        new Refusal("webhook.annotationOptIn.failurePolicy=fail",
            "/webhook/annotationOptIn/failurePolicy", "value must be one of 'Fail', 'Ignore'"),
        new Refusal("operator.replicas=0", "/operator/replicas", "minimum: got 0, want 1"),
        new Refusal("operator.httpsPort=70000", "/operator/httpsPort",
            "maximum: got 70,000, want 65,535"),
        new Refusal("operator.adminPort=0", "/operator/adminPort", "minimum: got 0, want 1"),
        new Refusal("operator.resources.requests.memory=lots",
            "/operator/resources/requests/memory", "'lots' does not match pattern"),
        new Refusal("operator.resources.limits.cpu=1.5cores", "/operator/resources/limits/cpu",
            "'1.5cores' does not match pattern"),
        new Refusal("sidecar.resources.memory=192MB", "/sidecar/resources/memory",
            "'192MB' does not match pattern"),
        new Refusal("operator.tmpSizeLimit=big", "/operator/tmpSizeLimit",
            "'big' does not match pattern"),
        new Refusal("operator.image.pullPolicy=Sometimes", "/operator/image/pullPolicy",
            "value must be one of 'Always', 'IfNotPresent', 'Never'"),
        new Refusal("sidecar.image.pullPolicy=always", "/sidecar/image/pullPolicy",
            "value must be one of 'Always', 'IfNotPresent', 'Never'"),
        new Refusal("operator.deploy=yes", "/operator/deploy", "got string, want boolean"),
        new Refusal("operator.replicas=two", "/operator/replicas", "got string, want integer"),
        new Refusal("monitoring.podMonitor.labels.release=1", "/monitoring/podMonitor/labels/release",
            "got number, want string"),
        new Refusal("monitoring.podMonitor.interval=soon", "/monitoring/podMonitor/interval",
            "'soon' does not match pattern"),
        new Refusal("webhook.timeoutSeconds=60", "/webhook/timeoutSeconds",
            "maximum: got 60, want 30"),
        new Refusal("webhook.url=http://localhost:18443/mutate-pods", "/webhook/url",
            "does not match pattern"),
        new Refusal("operator.bundlePropagation=10 minutes", "/operator/bundlePropagation",
            "'10 minutes' does not match pattern"),
        new Refusal("trustDomain=Cluster.Local", "/trustDomain",
            "'Cluster.Local' does not match pattern"),
        new Refusal("operator.podDisruptionBudget.maxUnavailable=half",
            "/operator/podDisruptionBudget/maxUnavailable", "oneOf"),
        new Refusal("operator.topologySpreadConstraints[0].whenUnsatisfiable=Never",
            "/operator/topologySpreadConstraints/0/whenUnsatisfiable",
            "value must be one of 'DoNotSchedule', 'ScheduleAnyway'"),
        new Refusal("replicas=3", "", "additional properties 'replicas' not allowed"),
        new Refusal("operator.replica=3", "/operator", "additional properties 'replica' not allowed"),
        new Refusal("webhook.failurepolicy=Fail", "/webhook",
            "additional properties 'failurepolicy' not allowed"));
  }

  @ParameterizedTest
  @MethodSource("refusals")
  void theSchemaRefuses(Refusal refusal) {
    CommandLine.Result result = HELM.run(List.of("template", "palisade", Helm.chart().toString(),
        "--namespace", "palisade-system", "--set", refusal.value()));
    assertThat(result.exitCode()).as(result.stdout()).isEqualTo(1);
    assertThat(result.stderr())
        .contains("values don't meet the specifications of the schema")
        .contains("- at '" + refusal.path() + "': ")
        .contains(refusal.message());
  }

  @Test
  void lintRefusesWhatTheSchemaRefuses() {
    CommandLine.Result lint = HELM.run(List.of("lint", "--strict", Helm.chart().toString(),
        "--set", "webhook.failurePolicy=Sometimes"));
    assertThat(lint.succeeded()).isFalse();
    assertThat(lint.stdout() + lint.stderr()).contains("[ERROR] values.yaml",
        "/webhook/failurePolicy", "1 chart(s) failed");
  }

  // --- helpers

  private static String template(ValueSet set) {
    List<String> args = new ArrayList<>(List.of("template", set.release(),
        Helm.chart().toString(), "--namespace", set.namespace()));
    args.addAll(set.valuesArgs());
    return HELM.run(args).orThrow();
  }

  /**
   * The release notes helm renders from templates/NOTES.txt. {@code helm template} prints no
   * notes and {@code helm install --dry-run=client} still needs a cluster (helm 3.19), so this
   * renders NOTES.txt with helm's own {@code tpl} in a copy of the chart, through a ConfigMap
   * template added to the copy; the values, release and helpers are the same.
   */
  private static String notes(String release, String namespace, List<String> valuesArgs) {
    try {
      Path copy = Files.createTempDirectory(temp, "chart").resolve("palisade");
      try (Stream<Path> files = Files.walk(Helm.chart())) {
        for (Path file : files.toList()) {
          Path target = copy.resolve(Helm.chart().relativize(file).toString());
          if (Files.isDirectory(file)) {
            Files.createDirectories(target);
          } else {
            Files.copy(file, target);
          }
        }
      }
      Files.copy(Helm.chart().resolve("templates/NOTES.txt"), copy.resolve("notes-under-test.txt"));
      Files.writeString(copy.resolve("templates/notes-under-test.yaml"), """
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: notes-under-test
          data:
            notes: {{ tpl (.Files.Get "notes-under-test.txt") . | quote }}
          """);
      List<String> args = new ArrayList<>(List.of("template", release, copy.toString(),
          "--namespace", namespace, "--show-only", "templates/notes-under-test.yaml"));
      args.addAll(valuesArgs);
      return YAML.readTree(HELM.run(args).orThrow()).at("/data/notes").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void matchesSnapshot(String file, String actual) throws IOException {
    Path snapshot = RESOURCES.resolve("snapshots/" + file);
    if (UPDATE) {
      Files.createDirectories(snapshot.getParent());
      Files.writeString(snapshot, actual);
    }
    assertThat(snapshot).as("missing snapshot %s; create it with bash"
        + " hack/update-chart-snapshots.sh and review it", snapshot).exists();
    String expected = Files.readString(snapshot);
    if (!expected.equals(actual)) {
      throw new AssertionError("charts/palisade renders differently from " + RepoFiles.root()
          .relativize(snapshot) + " at " + firstDifference(expected, actual) + "\nIf the change"
          + " is intended, regenerate the snapshots with bash hack/update-chart-snapshots.sh"
          + " (or -Dpalisade.golden.update=true) and review the diff.");
    }
  }

  private static String firstDifference(String expected, String actual) {
    List<String> want = expected.lines().toList();
    List<String> got = actual.lines().toList();
    for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
      String w = i < want.size() ? want.get(i) : "(end)";
      String g = i < got.size() ? got.get(i) : "(end)";
      if (!w.equals(g)) {
        return "line " + (i + 1) + ":\n  snapshot: " + w + "\n  rendered: " + g;
      }
    }
    return "the end (line endings)";
  }

  /**
   * The dashboards ConfigMap's data and the PrometheusRule's spec replaced by a comment: they
   * are files of the chart verbatim, checked by MonitoringChartIT, and would bury the rest.
   */
  static String elideMonitoringBodies(String rendered) {
    Map<String, String> elided = Map.of(
        "041-ConfigMap-palisade-dashboards.yaml", "data:",
        "040-PrometheusRule-palisade.yaml", "spec:");
    StringBuilder out = new StringBuilder();
    String source = "";
    boolean skipping = false;
    for (String line : rendered.split("\n", -1)) {
      if (line.startsWith("# Source: ")) {
        source = line.substring(line.lastIndexOf('/') + 1);
      }
      if (skipping && (line.startsWith(" ") || line.isEmpty())) {
        continue;
      }
      skipping = false;
      out.append(line).append('\n');
      if (line.equals(elided.get(source))) {
        out.append("  # (elided: the chart's ").append(source.contains("ConfigMap")
            ? "dashboards/*.json" : "files/alerts.yaml").append(", checked by MonitoringChartIT)\n");
        skipping = true;
      }
    }
    return out.substring(0, out.length() - 1);
  }

  private static List<JsonNode> objects(String yaml) {
    try {
      return YAML.readValues(YAML.createParser(yaml), JsonNode.class).readAll().stream()
          .filter(n -> n != null && !n.isEmpty()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode chartYaml() {
    try {
      return YAML.readTree(Helm.chart().resolve("Chart.yaml").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
    return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
  }

  private static JsonNode only(List<JsonNode> objects, String kind) {
    List<JsonNode> found = ofKind(objects, kind);
    assertThat(found).as("objects of kind " + kind).hasSize(1);
    return found.getFirst();
  }

  private static String name(JsonNode object) {
    return object.path("metadata").path("name").asText();
  }

  /** "Kind namespace/name", or "Kind name" for a cluster-scoped object. */
  private static String id(JsonNode object) {
    JsonNode namespace = object.path("metadata").path("namespace");
    return object.path("kind").asText() + " "
        + (namespace.isMissingNode() ? "" : namespace.asText() + "/") + name(object);
  }

  private static Set<String> clusterScoped(List<JsonNode> objects) {
    Set<String> ids = new TreeSet<>();
    objects.stream().filter(o -> o.path("metadata").path("namespace").isMissingNode())
        .forEach(o -> ids.add(id(o)));
    return ids;
  }

  private static List<String> kinds(Set<String> ids) {
    return ids.stream().map(id -> id.substring(0, id.indexOf(' '))).toList();
  }

  private static Map<String, String> strings(JsonNode map) {
    Map<String, String> strings = new HashMap<>();
    map.fields().forEachRemaining(e -> strings.put(e.getKey(), e.getValue().asText()));
    return strings;
  }
}
