package dev.palisade.sidecar.config;

import dev.palisade.common.config.InboundDocument;
import dev.palisade.common.config.OutboundDocument;
import dev.palisade.common.json.JsonDocuments;
import dev.palisade.common.policy.SidecarConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The static {@code --config} file (docs/sidecar.md, "Policy file"): the inbound and outbound
 * parts of the config service's document ({@code dev.palisade.common.config}), read by the same
 * records. Strict: an unknown field or a bad value is an error naming its JSON path, since a typo
 * in a policy file must not silently widen access. Absent parts take the defaults of
 * {@link SidecarConfig#defaults()}.
 */
public final class StaticConfigFile {

  /** The file's shape: what {@code GET /v1/config} sends, less what only the operator knows. */
  record Document(String version, InboundDocument inbound, OutboundDocument outbound) {}

  private StaticConfigFile() {}

  /** @throws IllegalArgumentException naming the file and the JSON path of the mistake */
  public static SidecarConfig read(Path file) throws IOException {
    try {
      return parse(Files.readString(file));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  public static SidecarConfig parse(String json) {
    Document document = JsonDocuments.strict().read(json, Document.class);
    SidecarConfig defaults = SidecarConfig.defaults();
    if (document.outbound() != null && document.outbound().destinations() != null) {
      throw new IllegalArgumentException("outbound.destinations: only the operator's"
          + " configuration can name a lookup path; give --config-endpoint instead");
    }
    return new SidecarConfig(
        document.version() == null ? defaults.version() : document.version(),
        document.inbound() == null ? defaults.inbound() : document.inbound().toPolicy(),
        document.outbound() == null ? defaults.outbound() : document.outbound().toPolicy());
  }
}
