package dev.palisade.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code palisade check [--pre]}. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Verify an installation (or, with --pre, a cluster before installing).",
        "Verify a Palisade installation, each thing that must hold with a fix for each "
        + "failure: CRDs (this release's), operator pods ready, the operator's RBAC, each "
        + "TrustDomain Ready and far from expiry, the webhook's caBundle, injection (a "
        + "server-side dry-run pod), trust bundles in labelled namespaces, proxies' "
        + "certificates renewed in time. With --pre: what the cluster must offer before "
        + "installing. Exit status 1 if any check fails."})
public final class CheckCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  KubeOptions kube;

  @Option(names = "--pre", description = "Check the cluster before installing Palisade.")
  boolean pre;

  @Option(names = {"-n", "--namespace"}, defaultValue = Installation.DEFAULT_NAMESPACE,
      paramLabel = "NAMESPACE",
      description = "The namespace Palisade is (to be) installed in (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Mixin
  ProxyOptions proxies;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    List<CheckResult> results;
    try (KubernetesClient client = kube.client()) {
      results = pre
          ? new PreInstallChecks(client, namespace).run()
          : new InstallChecks(client, new Installation(client, namespace), Clock.systemUTC(),
              proxies.timeout()).run();
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(output.json() ? Json.write(CheckResult.Report.of(results)) + "\n"
        : CheckResult.text(results));
    out.flush();
    return CheckResult.Report.of(results).ok() ? 0 : Main.FAILED;
  }
}
