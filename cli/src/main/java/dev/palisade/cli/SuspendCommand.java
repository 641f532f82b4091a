package dev.palisade.cli;

import dev.palisade.api.v1alpha1.IdentitySuspension;
import dev.palisade.api.v1alpha1.IdentitySuspensionSpec;
import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.common.spiffe.WorkloadIdentity;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code palisade suspend POD|SPIFFE_ID}. */
@Command(name = "suspend", mixinStandardHelpOptions = true,
    description = {"Suspend a workload identity.",
        "Creates an IdentitySuspension for the identity of a pod (or a SPIFFE ID given as "
        + "such): within seconds every proxy refuses it and closes its connections, and the "
        + "CA signs nothing for it, until the object is deleted "
        + "(docs/incident-response.md)."})
public final class SuspendCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  KubeOptions kube;

  @Parameters(paramLabel = "POD|SPIFFE_ID",
      description = "[NAMESPACE/]NAME of a pod, or spiffe://<trust domain>/ns/<ns>/sa/<sa>.")
  String target;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
      description = "The pod's namespace (default: the context's).")
  String namespace;

  @Mixin
  ReasonOption why;

  @Mixin
  PalisadeNamespaceOption palisade;

  @Override
  public Integer call() {
    try (KubernetesClient client = kube.client()) {
      WorkloadIdentity identity = target.startsWith(SpiffeId.SCHEME_PREFIX)
          ? WorkloadIdentity.parse(target) : identityOf(client);
      IdentitySuspension suspension = new IdentitySuspension();
      suspension.getMetadata().setName(identity.namespace() + "." + identity.serviceAccount());
      suspension.setSpec(new IdentitySuspensionSpec());
      suspension.getSpec().spiffeId = identity.toString();
      suspension.getSpec().reason = why.reason;
      client.resource(suspension).create();
      PrintWriter out = spec.commandLine().getOut();
      out.printf("identitysuspension/%s created: %s is suspended.%nEvery proxy refuses it"
              + " within seconds and the CA signs nothing for it; lift it with"
              + " `kubectl delete identitysuspension %s`.%n",
          suspension.getMetadata().getName(), identity, suspension.getMetadata().getName());
      out.flush();
    }
    return 0;
  }

  private WorkloadIdentity identityOf(KubernetesClient client) {
    Pod found = Installation.injectedPod(client, target, namespace != null ? namespace
        : KubeOptions.contextNamespace(client));
    String serviceAccount = found.getSpec().getServiceAccountName();
    return new WorkloadIdentity(new Installation(client, palisade.name).trustDomain(),
        found.getMetadata().getNamespace(), serviceAccount == null ? "default" : serviceAccount);
  }
}
