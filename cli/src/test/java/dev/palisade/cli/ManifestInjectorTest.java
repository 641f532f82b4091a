package dev.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.palisade.operator.injection.InjectionSettings;
import dev.palisade.operator.injection.PodInjector;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ManifestInjectorTest {

  private static final InjectionSettings SETTINGS = InjectionSettings.fromEnvironment(Map.of(),
      "palisade-system", "palisade-operator", "cluster.local");
  private static final Map<String, String> LABELLED = Map.of("palisade.dev/inject", "enabled");

  private static final String POD_SPEC = """
      spec:
        containers:
          - name: app
            image: app:1
            ports: [{containerPort: 8080}]
      """;

  private static final String MANIFESTS = """
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec: {ports: [{port: 80}]}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: shop}
      spec:
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
      """ + POD_SPEC.indent(4) + """
      ---
      apiVersion: batch/v1
      kind: CronJob
      metadata: {name: nightly}
      spec:
        schedule: "0 1 * * *"
        jobTemplate:
          spec:
            template:
      """ + POD_SPEC.indent(8) + """
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: opted-out
        annotations: {palisade.dev/inject: "false"}
      """ + POD_SPEC + """
      ---
      apiVersion: v1
      kind: List
      items:
        - apiVersion: apps/v1
          kind: StatefulSet
          metadata: {name: db}
          spec:
            template:
      """ + POD_SPEC.indent(8);

  @Test
  void injectsEveryPodTemplateAndPassesOtherObjectsThrough() throws Exception {
    var result = new ManifestInjector(new PodInjector(SETTINGS), LABELLED)
        .inject(new StringReader(MANIFESTS));

    List<JsonNode> out = documents(result.yaml());
    assertThat(out).hasSize(5);
    assertThat(out.get(0).path("kind").asText()).isEqualTo("Service");
    assertThat(out.get(0).path("spec")).isEqualTo(documents(MANIFESTS).get(0).path("spec"));

    JsonNode deployment = out.get(1).path("spec").path("template");
    assertThat(initContainers(deployment)).containsExactly("palisade-init", "palisade-proxy");
    assertThat(deployment.path("metadata").path("labels").path("palisade.dev/proxy").asText())
        .isEqualTo("injected");
    assertThat(deployment.path("metadata").path("labels").path("app").asText()).isEqualTo("web");
    assertThat(deployment.path("metadata").path("annotations").path("palisade.dev/proxy-version")
        .asText()).isEqualTo("0.1.0");
    assertThat(deployment.path("metadata").has("namespace")).isFalse();
    assertThat(out.get(1).path("spec").path("selector").path("matchLabels").path("app").asText())
        .isEqualTo("web");

    JsonNode cronJob = out.get(2).path("spec").path("jobTemplate").path("spec").path("template");
    assertThat(initContainers(cronJob)).containsExactly("palisade-init", "palisade-proxy");
    assertThat(out.get(2).path("spec").path("schedule").asText()).isEqualTo("0 1 * * *");

    assertThat(out.get(3).path("spec").has("initContainers")).isFalse();
    assertThat(initContainers(out.get(4).path("items").get(0).path("spec").path("template")))
        .containsExactly("palisade-init", "palisade-proxy");

    assertThat(result.outcomes()).extracting(ManifestInjector.Outcome::kind,
            ManifestInjector.Outcome::name, ManifestInjector.Outcome::result)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Deployment", "web", "injected"),
            org.assertj.core.groups.Tuple.tuple("CronJob", "nightly", "injected"),
            org.assertj.core.groups.Tuple.tuple("Pod", "opted-out", "skipped"),
            org.assertj.core.groups.Tuple.tuple("StatefulSet", "db", "injected"));
    assertThat(result.refused()).isFalse();
  }

  @Test
  void injectingTwiceChangesNothing() throws Exception {
    var injector = new ManifestInjector(new PodInjector(SETTINGS), LABELLED);
    String once = injector.inject(new StringReader(MANIFESTS)).yaml();
    assertThat(documents(injector.inject(new StringReader(once)).yaml()))
        .isEqualTo(documents(once));
  }

  @Test
  void anUnlabelledNamespaceInjectsOnlyPodsThatAsk() throws Exception {
    var result = new ManifestInjector(new PodInjector(SETTINGS), Map.of())
        .inject(new StringReader(MANIFESTS));
    assertThat(result.outcomes()).extracting(ManifestInjector.Outcome::result)
        .containsOnly("skipped");
    assertThat(documents(result.yaml())).isEqualTo(documents(MANIFESTS));
  }

  @Test
  void aPodTheWebhookWouldRefuseFailsTheCommandWithTheReason() {
    String refused = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: bad
          annotations: {palisade.dev/inject: "maybe"}
        """ + POD_SPEC;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    java.io.InputStream stdin = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream(refused.getBytes(
          java.nio.charset.StandardCharsets.UTF_8)));
      assertThat(cli.execute("inject", "-f", "-")).isEqualTo(Main.FAILED);
    } finally {
      System.setIn(stdin);
    }
    assertThat(err.toString()).contains("Pod bad (document 1): refused:")
        .contains("must be \"true\"");
  }

  @Test
  void flagsSetTheInjectorsSettings() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("pod", ".yaml");
    java.nio.file.Files.writeString(file, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
        + POD_SPEC);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int status = cli.execute("inject", "-f", file.toString(), "--image",
        "registry:5000/palisade/sidecar:9.9", "--proxy-cpu", "250m", "--trust-domain", "example.org");
    assertThat(status).as(err.toString()).isZero();
    JsonNode proxy = documents(out.toString()).get(0).path("spec").path("initContainers").get(1);
    assertThat(proxy.path("image").asText()).isEqualTo("registry:5000/palisade/sidecar:9.9");
    assertThat(proxy.path("resources").path("requests").path("cpu").asText()).isEqualTo("250m");
    assertThat(proxy.path("env").toString()).contains("example.org");
    assertThat(documents(out.toString()).get(0).path("metadata").path("annotations")
        .path("palisade.dev/proxy-version").asText()).isEqualTo("9.9");
    java.nio.file.Files.delete(file);
  }

  private static List<String> initContainers(JsonNode template) {
    List<String> names = new java.util.ArrayList<>();
    template.path("spec").path("initContainers").forEach(c -> names.add(c.path("name").asText()));
    return names;
  }

  static List<JsonNode> documents(String yaml) throws Exception {
    YAMLMapper mapper = new YAMLMapper();
    try (MappingIterator<JsonNode> it = mapper.readerFor(JsonNode.class).readValues(yaml)) {
      return it.readAll();
    }
  }
}
