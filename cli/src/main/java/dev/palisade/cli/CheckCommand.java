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

  @Option(names = "--proxy-timeout", defaultValue = "5s", paramLabel = "DURATION",
      description = "How long to wait for each proxy's /metrics (default: ${DEFAULT-VALUE}).")
  String proxyTimeout;

  @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "text|json",
      description = "Output format (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Override
  public Integer call() {
    List<CheckResult> results;
    try (KubernetesClient client = kube.client()) {
      results = pre
          ? new PreInstallChecks(client, namespace).run()
          : new InstallChecks(client, new Installation(client, namespace), Clock.systemUTC(),
              dev.palisade.common.time.KubeDuration.parse(proxyTimeout)).run();
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(output == OutputFormat.json ? Json.write(CheckResult.Report.of(results)) + "\n"
        : CheckResult.text(results));
    out.flush();
    return CheckResult.Report.of(results).ok() ? 0 : Main.FAILED;
  }
}
