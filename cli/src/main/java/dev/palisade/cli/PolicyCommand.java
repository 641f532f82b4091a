package dev.palisade.cli;

import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.api.v1alpha1.MeshPolicy;
import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.operator.policy.PolicySnapshot;
import dev.palisade.operator.policy.Workload;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code palisade policy ...}. */
@Command(name = "policy", mixinStandardHelpOptions = true,
    description = "Explain MeshPolicies and AccessPolicies.",
    subcommands = PolicyCommand.Explain.class)
public final class PolicyCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a subcommand");
  }

  /** {@code palisade policy explain --from X --to POD[:PORT]}. */
  @Command(name = "explain", mixinStandardHelpOptions = true,
      description = {"Explain the verdict on a connection: mTLS mode and deciding rule.",
          "Whether a connection to a pod's port is admitted, which MeshPolicy sets the "
          + "mTLS mode in force and which AccessPolicy rule decides, computed by the "
          + "operator's own policy compiler from the policies in the cluster. Exit status 1 "
          + "if it is refused."})
  public static final class Explain implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KubeOptions kube;

    @Option(names = "--from", required = true, paramLabel = "POD|SPIFFE_ID",
        description = "The client: a pod ([NAMESPACE/]NAME; without a proxy it connects in"
            + " plaintext) or a SPIFFE ID (spiffe://...).")
    String from;

    @Option(names = "--to", required = true, paramLabel = "POD[:PORT]",
        description = "The server pod ([NAMESPACE/]NAME) and port; without a port, every port its"
            + " containers declare.")
    String to;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
        description = "The namespace of pods named without one (default: the context's).")
    String namespace;

    @Mixin
    PalisadeNamespaceOption palisade;

    @Option(names = "--trust-domain", paramLabel = "DOMAIN",
        description = "The trust domain of pods' identities (default: the operator's).")
    String trustDomain;

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
      try (KubernetesClient client = kube.client()) {
        String defaultNamespace = namespace != null ? namespace
            : KubeOptions.contextNamespace(client);
        Installation installation = new Installation(client, palisade.name);
        String domain = trustDomain != null ? trustDomain : installation.trustDomain();

        Optional<SpiffeId> peer;
        String source;
        if (from.startsWith(SpiffeId.SCHEME_PREFIX)) {
          peer = Optional.of(SpiffeId.parse(from));
          source = from;
        } else {
          Workload client2 = Workload.of(Installation.pod(client, from, defaultNamespace));
          source = client2.key();
          peer = client2.injected()
              ? Optional.of(client2.identity(domain).toSpiffeId()) : Optional.empty();
        }

        String podReference = to;
        List<Integer> ports = new ArrayList<>();
        int colon = to.lastIndexOf(':');
        if (colon >= 0) {
          podReference = to.substring(0, colon);
          try {
            ports.add(Integer.parseInt(to.substring(colon + 1)));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--to " + to + ": the port must be a number");
          }
        }
        Pod pod = Installation.pod(client, podReference, defaultNamespace);
        if (ports.isEmpty()) {
          ports.addAll(declaredPorts(pod));
          if (ports.isEmpty()) {
            throw new IllegalArgumentException("pod " + podReference + " declares no container"
                + " port: name one, --to " + podReference + ":PORT");
          }
        }
        PolicySnapshot snapshot = new PolicySnapshot(palisade.name,
            client.resources(MeshPolicy.class).inAnyNamespace().list().getItems(),
            client.resources(AccessPolicy.class).inAnyNamespace().list().getItems());
        Workload destination = Workload.of(pod);
        List<PolicyExplainer.Explanation> explanations = new ArrayList<>();
        for (int port : ports) {
          explanations.add(PolicyExplainer.explain(snapshot, source, peer, destination, port));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
          out.println(Json.write(explanations.size() == 1 ? explanations.get(0) : explanations));
        } else {
          explanations.forEach(e -> out.print(PolicyExplainer.text(e)));
        }
        out.flush();
        return explanations.stream().allMatch(e -> e.verdict().equals("ALLOW")) ? 0 : Main.FAILED;
      }
    }

    private static List<Integer> declaredPorts(Pod pod) {
      TreeSet<Integer> ports = new TreeSet<>();
      for (Container container : Objects.requireNonNullElse(pod.getSpec().getContainers(),
          List.<Container>of())) {
        for (ContainerPort port : Objects.requireNonNullElse(container.getPorts(),
            List.<ContainerPort>of())) {
          if (port.getContainerPort() != null) {
            ports.add(port.getContainerPort());
          }
        }
      }
      return List.copyOf(ports);
    }
  }
}
