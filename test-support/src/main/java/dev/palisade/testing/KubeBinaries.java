package dev.palisade.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the Kubernetes binaries that hack/build-kube-tools.sh built. */
public final class KubeBinaries {
  public static final String ENV = "PALISADE_KUBE_BIN";

  private KubeBinaries() {}

  public static Path directory() {
    String dir = System.getenv(ENV);
    if (dir == null || dir.isBlank()) {
      throw new IllegalStateException(ENV + " is not set. Integration tests need the Kubernetes"
          + " binaries: run `bash hack/test.sh`, or export " + ENV
          + "=$(bash hack/build-kube-tools.sh) before running Maven.");
    }
    Path path = Path.of(dir);
    for (String binary : new String[] {"etcd", "kube-apiserver", "kubectl"}) {
      if (!Files.isExecutable(path.resolve(binary))) {
        throw new IllegalStateException(path.resolve(binary) + " is missing; run"
            + " hack/build-kube-tools.sh");
      }
    }
    return path;
  }
}
