package dev.palisade.common.config;

import dev.palisade.common.net.Port;
import java.util.function.Supplier;

/**
 * Checks of the documents' fields; each message starts with the field's name relative to its
 * record, which {@link dev.palisade.common.json.JsonDocuments} prefixes with the record's path.
 */
final class Fields {

  private Fields() {}

  static <T> T required(String field, T value) {
    if (value == null) {
      throw new IllegalArgumentException(field + ": required");
    }
    return value;
  }

  static void port(String field, Integer port) {
    check(field, () -> Port.of(required(field, port)));
  }

  /** {@code <ip>:<port>} or {@code <ip>:*}, the keys {@code OutboundPolicy} looks up. */
  static void destination(String field, String destination) {
    int colon = destination.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(field + ": not a destination (<ip>:<port> or <ip>:*)");
    }
    String port = destination.substring(colon + 1);
    if (!port.equals("*")) {
      check(field, () -> Port.parse(port));
    }
  }

  static void check(String field, Supplier<?> parse) {
    try {
      parse.get();
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(field + ":")) {
        throw e;
      }
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
  }
}
