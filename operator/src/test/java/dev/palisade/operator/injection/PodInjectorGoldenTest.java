package dev.palisade.operator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.operator.injection.InjectionDecision.Inject;
import dev.palisade.operator.injection.InjectionDecision.Refuse;
import dev.palisade.operator.injection.InjectionDecision.Skip;
import dev.palisade.testing.RepoFiles;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.palisade.operator.http.Json;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The injector's desired state, as golden files: each {@code injection/in-<case>.yaml} (a
 * Namespace and a Pod) gives {@code out-<case>.yaml}: the pod as it should be stored, or
 * {@code skip}/{@code refuse} with the reason the user is told. Every injected output, fed back
 * in, comes out unchanged: the webhook's second pass is a no-op.
 *
 * <p>After a deliberate change, regenerate with {@code -Dpalisade.golden.update=true} and review
 * the diff of {@code out-*.yaml} like code.
 */
class PodInjectorGoldenTest {

  static final InjectionSettings SETTINGS = new InjectionSettings(
      "registry.example/palisade/sidecar:0.1.0", "IfNotPresent", "0.1.0", "100m", "128Mi",
      "https://palisade-operator.palisade-system.svc:443", "cluster.local");

  private static final KubernetesSerialization YAML = new KubernetesSerialization();
  /** Plain YAML for review: quotes only where needed, long messages on one line. */
  private static final YAMLMapper OUT = YAMLMapper.builder()
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .disable(YAMLGenerator.Feature.SPLIT_LINES)
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .build();
  private static final Path DIR = RepoFiles.resolve("operator/src/test/resources/injection");
  private static final boolean UPDATE = Boolean.getBoolean("palisade.golden.update");

  private final PodInjector injector = new PodInjector(SETTINGS);

  static Stream<String> cases() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      List<String> names = files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("in-") && n.endsWith(".yaml"))
          .map(n -> n.substring(3, n.length() - 5))
          .sorted()
          .toList();
      assertThat(names).as("golden inputs in " + DIR).isNotEmpty();
      return names.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesGoldenOutput(String name) throws IOException {
    Input input = read(DIR.resolve("in-" + name + ".yaml"));
    String actual = header(name) + render(injector.decide(input.pod(), input.namespaceLabels()));
    Path golden = DIR.resolve("out-" + name + ".yaml");
    if (UPDATE) {
      Files.writeString(golden, actual);
    }
    assertThat(golden).as("missing golden file; run with -Dpalisade.golden.update=true").exists();
    assertThat(actual).isEqualTo(Files.readString(golden));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void injectedOutputFedBackInIsUnchanged(String name) throws IOException {
    Input input = read(DIR.resolve("in-" + name + ".yaml"));
    if (!(injector.decide(input.pod(), input.namespaceLabels()) instanceof Inject first)) {
      return; // nothing injected: nothing to re-invoke
    }
    InjectionDecision second = injector.decide(first.pod(), input.namespaceLabels());

    assertThat(second).isInstanceOfSatisfying(Inject.class, again -> {
      assertThat(YAML.asYaml(again.pod())).isEqualTo(YAML.asYaml(first.pod()));
      assertThat(AdmissionReviews.patch(first.pod(), again.pod())).isEmpty();
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void anInputThatAlreadyHasTheProxyGetsAnEmptyPatch(String name) throws IOException {
    Input input = read(DIR.resolve("in-" + name + ".yaml"));
    if (!InjectionContract.INJECTED.equals(Objects.requireNonNullElse(
        input.pod().getMetadata().getLabels(), Map.of()).get(InjectionContract.PROXY_LABEL))) {
      return;
    }
    assertThat(injector.decide(input.pod(), input.namespaceLabels()))
        .isInstanceOfSatisfying(Inject.class, inject ->
            assertThat(AdmissionReviews.patch(input.pod(), inject.pod())).isEmpty());
  }

  /** The namespace's labels and the pod of an input file. */
  record Input(Map<String, String> namespaceLabels, Pod pod) {}

  static Input read(Path file) throws IOException {
    List<HasMetadata> objects;
    try (InputStream in = Files.newInputStream(file)) {
      Object parsed = YAML.unmarshal(in);
      objects = parsed instanceof List<?> list
          ? list.stream().map(HasMetadata.class::cast).toList()
          : List.of((HasMetadata) parsed);
    }
    Map<String, String> labels = objects.stream().filter(Namespace.class::isInstance)
        .findFirst().map(ns -> Objects.requireNonNullElse(ns.getMetadata().getLabels(),
            Map.<String, String>of()))
        .orElse(Map.of());
    Pod pod = objects.stream().filter(Pod.class::isInstance).map(Pod.class::cast).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(file + " has no Pod"));
    return new Input(labels, pod);
  }

  private static String header(String name) {
    return "# PodInjector's answer to in-" + name + ".yaml (PodInjectorGoldenTest; regenerate with"
        + " -Dpalisade.golden.update=true)\n";
  }

  private static String render(InjectionDecision decision) throws JsonProcessingException {
    return switch (decision) {
      case Inject inject -> OUT.writeValueAsString(Json.MAPPER.valueToTree(inject.pod()));
      case Skip skip -> {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reason", skip.reason().name());
        body.put("notable", skip.reason().notable());
        body.put("message", skip.message());
        yield OUT.writeValueAsString(Map.of("skip", body));
      }
      case Refuse refuse -> OUT.writeValueAsString(
          Map.of("refuse", Map.of("message", refuse.message())));
    };
  }
}
