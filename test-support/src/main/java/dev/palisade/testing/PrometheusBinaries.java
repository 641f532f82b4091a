package dev.palisade.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds promtool and prometheus, which hack/build-prometheus.sh built from source. */
public final class PrometheusBinaries {

  static final String ENV = "PALISADE_PROMETHEUS_BIN";

  private PrometheusBinaries() {}

  public static Path promtool() {
    return binary("promtool");
  }

  public static Path prometheus() {
    return binary("prometheus");
  }

  private static Path binary(String name) {
    String dir = System.getenv(ENV);
    if (dir == null || dir.isBlank()) {
      throw new IllegalStateException(ENV + " is not set. These tests need promtool and"
          + " prometheus: run `bash hack/test.sh`, or export " + ENV
          + "=$(bash hack/build-prometheus.sh) before running Maven.");
    }
    Path path = Path.of(dir).resolve(name);
    if (!Files.isExecutable(path)) {
      throw new IllegalStateException(path + " is missing; run hack/build-prometheus.sh");
    }
    return path;
  }
}
