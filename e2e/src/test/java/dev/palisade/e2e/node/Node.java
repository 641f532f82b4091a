package dev.palisade.e2e.node;

import dev.palisade.testing.CommandLine;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one-node cluster of hack/cluster-up.sh, as hack/test.sh hands it to the tests: its admin
 * kubeconfig, the binaries (kubectl, helm, crictl) and the images hack/build-images.sh imported.
 */
final class Node {

  private static final Path KUBECONFIG = required("PALISADE_E2E_KUBECONFIG");
  private static final Path BIN = required("PALISADE_KUBE_BIN");
  private static KubernetesClient client;

  private Node() {}

  static synchronized KubernetesClient client() {
    if (client == null) {
      try {
        Config config = Config.fromKubeconfig(Files.readString(KUBECONFIG));
        config.setClientKeyAlgo("EC");  // the cluster's certificates are ECDSA P-256
        client = new KubernetesClientBuilder().withConfig(config).build();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return client;
  }

  static CommandLine.Result kubectl(String... args) {
    return run("kubectl", "--kubeconfig", KUBECONFIG.toString(), args);
  }

  static CommandLine.Result helm(String... args) {
    return run("helm", "--kubeconfig", KUBECONFIG.toString(), args);
  }

  static CommandLine.Result crictl(String... args) {
    return run("crictl", "--runtime-endpoint", "unix://" + containerdSocket(), args);
  }

  /** A command that runs beside the test (a stream held open while something else happens). */
  static Process kubectlInBackground(Path output, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(BIN.resolve("kubectl").toString(),
        "--kubeconfig", KUBECONFIG.toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
        .start();
  }

  /** The image references of hack/build-images.sh (OPERATOR_IMAGE, SIDECAR_IMAGE, ...). */
  static String image(String variable) {
    Map<String, String> images = new HashMap<>();
    try {
      for (String line : Files.readAllLines(cacheDir().resolve("images/images.env"))) {
        int equals = line.indexOf('=');
        if (equals > 0) {
          images.put(line.substring(0, equals), line.substring(equals + 1));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String image = images.get(variable);
    if (image == null) {
      throw new IllegalStateException(variable + " not built; run hack/build-images.sh palisade");
    }
    return image;
  }

  private static Path containerdSocket() {
    return cacheDir().resolve("cluster/containerd/run/containerd.sock");
  }

  /**
   * hack/lib.sh's cache directory: $PALISADE_CACHE (hack/test.sh exports it), else under $HOME
   * as the scripts have it; Java's user.home comes from the password database, not $HOME.
   */
  private static Path cacheDir() {
    String configured = System.getenv("PALISADE_CACHE");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String home = System.getenv("HOME");
    return Path.of(home != null ? home : System.getProperty("user.home"), ".cache", "palisade");
  }

  private static CommandLine.Result run(String binary, String flag, String value, String... args) {
    List<String> command = new ArrayList<>(List.of(BIN.resolve(binary).toString(), flag, value));
    command.addAll(List.of(args));
    return CommandLine.run(command);
  }

  private static Path required(String variable) {
    String value = System.getenv(variable);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(variable + " is not set: the end-to-end tests run on the"
          + " cluster of hack/cluster-up.sh; run them through `bash hack/test.sh`.");
    }
    return Path.of(value);
  }
}
