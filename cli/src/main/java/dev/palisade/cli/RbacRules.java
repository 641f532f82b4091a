package dev.palisade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The permissions the chart grants the operator, read from its ClusterRole and Role templates
 * (shipped in the jar), one per group, resource, verb and resource name.
 */
final class RbacRules {

  /** One permission; {@code name} null for any, {@code namespaced} for the Role's. */
  record Permission(String group, String resource, String subresource, String verb, String name,
      boolean namespaced) {
    @Override
    public String toString() {
      return verb + " " + resource + (subresource == null ? "" : "/" + subresource)
          + (group.isEmpty() ? "" : "." + group) + (name == null ? "" : " " + name)
          + (namespaced ? " (in the install namespace)" : "");
    }
  }

  private static final String CLUSTER_ROLE = "rbac/001-ClusterRole-palisade-operator.yaml";
  private static final String ROLE = "rbac/003-Role-palisade-operator.yaml";

  private RbacRules() {}

  static List<Permission> chart() {
    List<Permission> permissions = new ArrayList<>();
    permissions.addAll(parse(read(CLUSTER_ROLE), false));
    permissions.addAll(parse(read(ROLE), true));
    return permissions;
  }

  /**
   * The rules of a rendered-enough template: Helm expressions in metadata are dropped, the
   * webhook configuration's name is the one release {@code palisade} gets.
   */
  static List<Permission> parse(String template, boolean namespaced) {
    StringBuilder yaml = new StringBuilder();
    for (String line : template.split("\n")) {
      String replaced = line.replace("{{ include \"palisade.webhook.configurationName\" . }}",
          Installation.WEBHOOK_CONFIGURATION);
      if (!replaced.contains("{{")) {
        yaml.append(replaced).append('\n');
      }
    }
    JsonNode role;
    try {
      role = new YAMLMapper().readTree(yaml.toString());
    } catch (IOException e) {
      throw new IllegalStateException("cannot parse the chart's RBAC template: " + e.getMessage(), e);
    }
    List<Permission> permissions = new ArrayList<>();
    for (JsonNode rule : role.path("rules")) {
      List<String> names = new ArrayList<>();
      rule.path("resourceNames").forEach(n -> names.add(n.asText()));
      if (names.isEmpty()) {
        names.add(null);
      }
      for (JsonNode group : rule.path("apiGroups")) {
        for (JsonNode resource : rule.path("resources")) {
          String[] parts = resource.asText().split("/", 2);
          for (JsonNode verb : rule.path("verbs")) {
            for (String name : names) {
              permissions.add(new Permission(group.asText(), parts[0],
                  parts.length > 1 ? parts[1] : null, verb.asText(), name, namespaced));
            }
          }
        }
      }
    }
    return permissions;
  }

  private static String read(String resource) {
    try (InputStream in = RbacRules.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the CLI's jar lacks " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
