package dev.palisade.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
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
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The namespace of the context (kubectl's default for pods named without one). */
  public static String contextNamespace(KubernetesClient client) {
    String namespace = client.getNamespace();
    return namespace == null || namespace.isEmpty() ? "default" : namespace;
  }
}
