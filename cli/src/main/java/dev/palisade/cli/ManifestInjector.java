package dev.palisade.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.palisade.operator.injection.InjectionDecision;
import dev.palisade.operator.injection.PodInjector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Injects the Palisade proxy into the pods of YAML manifests, offline, with the operator's own
 * {@link PodInjector}: what the webhook would do to each pod these objects create. Pure: text
 * in, text and a report out.
 *
 * <p>Pod templates are found where each kind keeps them: a Pod is itself; Deployments,
 * StatefulSets, DaemonSets, ReplicaSets, Jobs and ReplicationControllers at
 * {@code spec.template}; CronJobs at {@code spec.jobTemplate.spec.template}. Other objects
 * (Services, ConfigMaps, ...) pass through unchanged, as do list items' kinds other than these.
 */
public final class ManifestInjector {

  /** What happened to one object that has a pod template. */
  public record Outcome(int document, String kind, String name, String result, String message) {}

  /** The manifests out, and one outcome per object with a pod. */
  public record Result(String yaml, List<Outcome> outcomes) {
    /** Whether the injector refused any pod (the webhook would have refused its creation). */
    public boolean refused() {
      return outcomes.stream().anyMatch(o -> o.result().equals("refused"));
    }
  }

  private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
          .build())
      .build();

  private final PodInjector injector;
  private final Map<String, String> namespaceLabels;

  /**
   * @param namespaceLabels the labels of the namespace the objects are to be created in, as the
   *     webhook would see them (e.g. {@code palisade.dev/inject=enabled})
   */
  public ManifestInjector(PodInjector injector, Map<String, String> namespaceLabels) {
    this.injector = injector;
    this.namespaceLabels = Map.copyOf(namespaceLabels);
  }

  public Result inject(Reader manifests) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (JsonParser parser = YAML.getFactory().createParser(manifests);
        MappingIterator<JsonNode> values = YAML.readValues(parser, JsonNode.class)) {
      while (values.hasNextValue()) {
        JsonNode document = values.nextValue();
        if (document != null && !document.isMissingNode() && !document.isNull()) {
          documents.add(document);
        }
      }
    }
    List<Outcome> outcomes = new ArrayList<>();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < documents.size(); i++) {
      JsonNode document = documents.get(i);
      if (document instanceof ObjectNode object) {
        walk(i + 1, object, outcomes);
      }
      if (i > 0) {
        out.append("---\n");
      }
      out.append(YAML.writeValueAsString(document));
    }
    return new Result(out.toString(), outcomes);
  }

  /** Injects {@code object} (or the items of a List) in place. */
  private void walk(int document, ObjectNode object, List<Outcome> outcomes) {
    String kind = object.path("kind").asText("");
    if (kind.endsWith("List") && object.path("items").isArray()) {
      for (JsonNode item : object.path("items")) {
        if (item instanceof ObjectNode itemObject) {
          walk(document, itemObject, outcomes);
        }
      }
      return;
    }
    String name = object.path("metadata").path("name").asText("");
    switch (kind) {
      case "Pod" -> injectPod(document, kind, name, object, object, outcomes);
      case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job",
           "ReplicationController" -> template(object.path("spec"), "template")
          .ifPresent(t -> injectPod(document, kind, name, object, t, outcomes));
      case "CronJob" -> template(object.path("spec").path("jobTemplate").path("spec"), "template")
          .ifPresent(t -> injectPod(document, kind, name, object, t, outcomes));
      default -> { }
    }
  }

  private static java.util.Optional<ObjectNode> template(JsonNode parent, String field) {
    return parent.get(field) instanceof ObjectNode template && template.has("spec")
        ? java.util.Optional.of(template) : java.util.Optional.empty();
  }

  /**
   * Decides for the pod {@code podOrTemplate} ({@code metadata} + {@code spec}) of
   * {@code owner}, and writes the injected metadata and spec back into it.
   */
  private void injectPod(int document, String kind, String name, ObjectNode owner,
      ObjectNode podOrTemplate, List<Outcome> outcomes) {
    Pod pod = new Pod();
    ObjectMeta metadata = podOrTemplate.has("metadata")
        ? YAML.convertValue(podOrTemplate.get("metadata"), ObjectMeta.class) : new ObjectMeta();
    if (metadata.getNamespace() == null) {
      metadata.setNamespace(owner.path("metadata").path("namespace").asText(null));
    }
    pod.setMetadata(metadata);
    pod.setSpec(YAML.convertValue(podOrTemplate.get("spec"), PodSpec.class));
    InjectionDecision decision = injector.decide(pod, namespaceLabels);
    switch (decision) {
      case InjectionDecision.Inject inject -> {
        ObjectNode injected = YAML.valueToTree(inject.pod());
        ObjectNode newMetadata = (ObjectNode) injected.path("metadata");
        if (!podOrTemplate.path("metadata").has("namespace")) {
          newMetadata.remove("namespace"); // a template's namespace is its owner's
        }
        podOrTemplate.set("metadata", newMetadata);
        podOrTemplate.set("spec", injected.path("spec"));
        outcomes.add(new Outcome(document, kind, name, "injected", "the proxy was injected"));
      }
      case InjectionDecision.Skip skip -> outcomes.add(
          new Outcome(document, kind, name, "skipped", skip.message()));
      case InjectionDecision.Refuse refuse -> outcomes.add(
          new Outcome(document, kind, name, "refused", refuse.message()));
    }
  }
}
