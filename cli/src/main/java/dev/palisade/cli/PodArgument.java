package dev.palisade.cli;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The injected pod a command is about: {@code [NAMESPACE/]NAME}, or NAME with {@code -n}. */
final class PodArgument {

  @Parameters(paramLabel = "POD", description = "[NAMESPACE/]NAME of an injected pod.")
  String pod;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
      description = "The pod's namespace (default: the context's).")
  String namespace;

  /** The pod, which must carry the Palisade proxy. */
  Pod injectedPod(KubernetesClient client) {
    return Installation.injectedPod(client, pod, namespace != null ? namespace
        : KubeOptions.contextNamespace(client));
  }
}
