package dev.palisade.cli;

import static dev.palisade.cli.CheckResult.fail;
import static dev.palisade.cli.CheckResult.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The chart's CRDs are installed, with the chart's versions and schemas. */
final class CrdChecks {

  private final KubernetesClient client;

  CrdChecks(KubernetesClient client) {
    this.client = client;
  }

  static final List<String> CRD_FILES = List.of(
      "accesspolicies.palisade.dev-v1.yml", "meshpolicies.palisade.dev-v1.yml",
      "trustdomains.palisade.dev-v1.yml", "workloadcertificates.palisade.dev-v1.yml",
      "certificaterevocations.palisade.dev-v1.yml", "identitysuspensions.palisade.dev-v1.yml");
  private static final YAMLMapper YAML = new YAMLMapper();

  /** Each CRD of the chart is installed with the chart's versions and schemas. */
  List<CheckResult> crds() {
    List<CheckResult> results = new ArrayList<>();
    for (String file : CRD_FILES) {
      JsonNode expected = shippedCrd(file);
      String name = expected.path("metadata").path("name").asText();
      // Generic, not the typed model: the schema compared as the API server stores it.
      GenericKubernetesResource actual = client.genericKubernetesResources(
          "apiextensions.k8s.io/v1", "CustomResourceDefinition").withName(name).get();
      if (actual == null) {
        results.add(fail("crd " + name, "not installed", "kubectl apply --server-side -f"
            + " the chart's crds/ directory (helm installs CRDs only on first install, and never"
            + " upgrades them)"));
        continue;
      }
      JsonNode installed = YAML.valueToTree(actual.getAdditionalProperties().get("spec"));
      Optional<String> difference = schemaDifference(expected.path("spec"), installed);
      results.add(difference.isEmpty()
          ? ok("crd " + name, "installed, same versions and schema as this release's chart")
          : fail("crd " + name, "differs from this release's chart: " + difference.get(),
              "kubectl apply --server-side --force-conflicts -f the chart's crds/ directory (helm"
                  + " upgrade does not upgrade CRDs)"));
    }
    return results;
  }

  /** What differs between the chart's CRD spec and the installed one, in versions and schemas. */
  static Optional<String> schemaDifference(JsonNode expected, JsonNode installed) {
    Map<String, JsonNode> want = versions(expected);
    Map<String, JsonNode> have = versions(installed);
    if (!want.keySet().equals(have.keySet())) {
      return Optional.of("versions " + have.keySet() + ", expected " + want.keySet());
    }
    for (var entry : want.entrySet()) {
      JsonNode w = entry.getValue();
      JsonNode h = have.get(entry.getKey());
      for (String field : List.of("served", "storage")) {
        if (w.path(field).asBoolean() != h.path(field).asBoolean()) {
          return Optional.of("version " + entry.getKey() + " " + field + "="
              + h.path(field).asBoolean());
        }
      }
      Optional<String> at = firstDifference(w.path("schema"), h.path("schema"), "");
      if (at.isPresent()) {
        return Optional.of("version " + entry.getKey() + " has another schema (an older or newer"
            + " release's; first difference at " + at.get() + ")");
      }
    }
    return Optional.empty();
  }

  /** The JSON pointer of the first place where {@code a} and {@code b} differ, if any. */
  static Optional<String> firstDifference(JsonNode a, JsonNode b, String path) {
    if (a.isObject() && b.isObject()) {
      Set<String> fields = new TreeSet<>();
      a.fieldNames().forEachRemaining(fields::add);
      b.fieldNames().forEachRemaining(fields::add);
      for (String field : fields) {
        Optional<String> d = firstDifference(a.path(field), b.path(field), path + "/" + field);
        if (d.isPresent()) {
          return d;
        }
      }
      return Optional.empty();
    }
    if (a.isArray() && b.isArray() && a.size() == b.size()) {
      for (int i = 0; i < a.size(); i++) {
        Optional<String> d = firstDifference(a.get(i), b.get(i), path + "/" + i);
        if (d.isPresent()) {
          return d;
        }
      }
      return Optional.empty();
    }
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0 ? Optional.empty()
          : Optional.of(path.isEmpty() ? "/" : path);
    }
    return a.equals(b) ? Optional.empty() : Optional.of(path.isEmpty() ? "/" : path);
  }

  private static Map<String, JsonNode> versions(JsonNode spec) {
    Map<String, JsonNode> versions = new java.util.TreeMap<>();
    spec.path("versions").forEach(v -> versions.put(v.path("name").asText(), v));
    return versions;
  }

  static JsonNode shippedCrd(String file) {
    try (InputStream in = InstallChecks.class.getResourceAsStream("crds/" + file)) {
      if (in == null) {
        throw new IllegalStateException("the CLI's jar lacks crds/" + file);
      }
      return YAML.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the shipped CRD " + file, e);
    }
  }
}
