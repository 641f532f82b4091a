package dev.palisade.sidecar.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.common.policy.AccessRule;
import dev.palisade.common.policy.IdentityPattern;
import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.policy.PeerMatch;
import dev.palisade.common.policy.PolicyAction;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.spiffe.SpiffeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a {@link SidecarConfig} from JSON (the static {@code --config} file; the format is in
 * docs/sidecar.md). Strict: an unknown field or a bad value is an error naming its JSON path,
 * since a typo in a policy file must not silently widen access. Absent fields take the
 * defaults of {@link SidecarConfig#defaults()}.
 */
public final class SidecarConfigJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SidecarConfigJson() {}

  public static SidecarConfig read(Path file) throws IOException {
    try {
      return parse(Files.readString(file));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  public static SidecarConfig parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    }
    Node config = new Node("$", root).object("version", "inbound", "outbound");
    SidecarConfig defaults = SidecarConfig.defaults();
    return new SidecarConfig(
        config.optional("version").map(Node::text).orElse(defaults.version()),
        config.optional("inbound").map(SidecarConfigJson::inbound).orElse(defaults.inbound()),
        config.optional("outbound").map(SidecarConfigJson::outbound).orElse(defaults.outbound()));
  }

  private static InboundPolicy inbound(Node node) {
    node.object("defaultMode", "portModes", "rules");
    MtlsMode defaultMode = node.optional("defaultMode")
        .map(n -> n.enumValue(MtlsMode.class)).orElse(MtlsMode.STRICT);
    Map<Integer, MtlsMode> portModes = new HashMap<>();
    node.optional("portModes").ifPresent(modes -> modes.fields().forEach((key, value) ->
        portModes.put(port(modes, key), value.enumValue(MtlsMode.class))));
    List<AccessRule> rules = node.optional("rules").map(n -> n.list(SidecarConfigJson::rule))
        .orElse(List.of());
    return new InboundPolicy(defaultMode, portModes, rules);
  }

  private static AccessRule rule(Node node) {
    node.object("policy", "action", "matches");
    return new AccessRule(node.required("policy").text(),
        node.required("action").enumValue(PolicyAction.class),
        node.required("matches").list(SidecarConfigJson::match));
  }

  private static PeerMatch match(Node node) {
    node.object("identities", "namespaces", "serviceAccounts", "ports");
    return new PeerMatch(
        node.optional("identities").map(n -> n.list(i -> i.as(IdentityPattern::new)))
            .orElse(List.of()),
        node.optional("namespaces").map(n -> Set.copyOf(n.list(Node::text))).orElse(Set.of()),
        node.optional("serviceAccounts").map(n -> Set.copyOf(n.list(Node::text)))
            .orElse(Set.of()),
        node.optional("ports").map(n -> new HashSet<>(n.list(Node::port))).orElse(new HashSet<>()));
  }

  private static OutboundPolicy outbound(Node node) {
    node.object("meshed", "requireMtls");
    Map<String, SpiffeId> meshed = new HashMap<>();
    node.optional("meshed").ifPresent(m -> m.fields().forEach((destination, identity) -> {
      requireDestination(m, destination);
      meshed.put(destination, identity.as(SpiffeId::parse));
    }));
    boolean requireMtls = node.optional("requireMtls").map(Node::bool).orElse(false);
    return new OutboundPolicy(meshed, requireMtls);
  }

  /** {@code <ip>:<port>} or {@code <ip>:*}, the keys {@link OutboundPolicy} looks up. */
  private static void requireDestination(Node parent, String key) {
    int colon = key.lastIndexOf(':');
    if (colon > 0 && (key.substring(colon + 1).equals("*")
        || key.substring(colon + 1).matches("[0-9]{1,5}"))) {
      return;
    }
    throw new IllegalArgumentException(parent.path + ": '" + key
        + "' is not a destination (<ip>:<port> or <ip>:*)");
  }

  private static int port(Node parent, String key) {
    try {
      int port = Integer.parseInt(key);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(parent.path + ": '" + key + "' is not a port (1-65535)");
  }

  /** A JSON value and where it is, for error messages. */
  private record Node(String path, JsonNode value) {

    /** Checks this is an object with no fields but {@code allowed}. */
    Node object(String... allowed) {
      if (!value.isObject()) {
        throw new IllegalArgumentException(path + ": expected an object");
      }
      Set<String> known = Set.of(allowed);
      for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!known.contains(name)) {
          throw new IllegalArgumentException(path + "." + name + ": unknown field (expected one"
              + " of " + String.join(", ", allowed) + ")");
        }
      }
      return this;
    }

    java.util.Optional<Node> optional(String field) {
      JsonNode child = value.get(field);
      return child == null || child.isNull()
          ? java.util.Optional.empty()
          : java.util.Optional.of(new Node(path + "." + field, child));
    }

    Node required(String field) {
      return optional(field).orElseThrow(() ->
          new IllegalArgumentException(path + "." + field + ": required"));
    }

    String text() {
      if (!value.isTextual()) {
        throw new IllegalArgumentException(path + ": expected a string");
      }
      return value.asText();
    }

    boolean bool() {
      if (!value.isBoolean()) {
        throw new IllegalArgumentException(path + ": expected true or false");
      }
      return value.asBoolean();
    }

    int port() {
      if (!value.canConvertToInt() || !value.isIntegralNumber()
          || value.asInt() < 1 || value.asInt() > 65535) {
        throw new IllegalArgumentException(path + ": expected a port (1-65535)");
      }
      return value.asInt();
    }

    <E extends Enum<E>> E enumValue(Class<E> type) {
      String text = text();
      try {
        return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(path + ": '" + text + "' is not one of "
            + java.util.Arrays.toString(type.getEnumConstants()));
      }
    }

    <T> T as(Function<String, T> parser) {
      String text = text();
      try {
        return parser.apply(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(path + ": " + e.getMessage());
      }
    }

    <T> List<T> list(Function<Node, T> element) {
      if (!value.isArray()) {
        throw new IllegalArgumentException(path + ": expected an array");
      }
      List<T> out = new ArrayList<>();
      for (int i = 0; i < value.size(); i++) {
        out.add(element.apply(new Node(path + "[" + i + "]", value.get(i))));
      }
      return out;
    }

    Map<String, Node> fields() {
      if (!value.isObject()) {
        throw new IllegalArgumentException(path + ": expected an object");
      }
      Map<String, Node> out = new java.util.LinkedHashMap<>();
      value.properties().forEach(e ->
          out.put(e.getKey(), new Node(path + "." + e.getKey(), e.getValue())));
      return out;
    }
  }
}
