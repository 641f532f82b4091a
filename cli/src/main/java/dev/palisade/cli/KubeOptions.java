package dev.palisade.cli;

import dev.palisade.common.pki.Pem;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * How to reach the cluster, as kubectl takes it: {@code --kubeconfig} (else {@code KUBECONFIG},
 * else {@code ~/.kube/config}, else in-cluster), {@code --context}.
 */
public final class KubeOptions {

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config).")
  File kubeconfig;

  @Option(names = "--context", paramLabel = "NAME",
      description = "The kubeconfig context to use (default: its current context).")
  String context;

  /** A client for the chosen cluster; the caller closes it. */
  public KubernetesClient client() {
    Config config;
    if (kubeconfig != null) {
      if (!kubeconfig.isFile()) {
        throw new IllegalArgumentException("--kubeconfig " + kubeconfig + ": no such file");
      }
      config = Config.fromKubeconfig(context, kubeconfig);
    } else {
      config = Config.autoConfigure(context);
    }
    clientKey(config).ifPresent(pem -> config.setClientKeyAlgo(keyAlgorithm(pem)));
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /**
   * fabric8 reads a PKCS#8 client key as RSA unless told otherwise; kubeadm and this project's
   * node write EC keys. The key's own algorithm, then.
   */
  static String keyAlgorithm(String pem) {
    String algorithm = Pem.parsePrivateKey(pem).getAlgorithm();
    return algorithm.equals("ECDSA") ? "EC" : algorithm;
  }

  private static Optional<String> clientKey(Config config) {
    try {
      if (config.getClientKeyData() != null && !config.getClientKeyData().isBlank()) {
        return Optional.of(new String(Base64.getDecoder().decode(config.getClientKeyData().strip()),
            StandardCharsets.US_ASCII));
      }
      if (config.getClientKeyFile() != null) {
        return Optional.of(Files.readString(Path.of(config.getClientKeyFile())));
      }
    } catch (IOException | IllegalArgumentException e) {
      // unreadable here: fabric8 reports it with its own message
    }
    return Optional.empty();
  }

  /** The namespace of the context (kubectl's default for pods named without one). */
  public static String contextNamespace(KubernetesClient client) {
    String namespace = client.getNamespace();
    return namespace == null || namespace.isEmpty() ? "default" : namespace;
  }
}
