package dev.palisade.cli;

import dev.palisade.operator.injection.InjectionContract;
import dev.palisade.operator.injection.InjectionSettings;
import dev.palisade.operator.injection.PodInjector;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code palisade inject -f FILE}: the manifests with the proxy injected, offline, by the
 * injector the webhook runs, with the chart's defaults unless flags say otherwise.
 */
@Command(name = "inject", mixinStandardHelpOptions = true,
    description = {"Inject the proxy into manifests, offline, as the webhook would.",
        "Print the manifests with the Palisade proxy injected into every pod they make, "
        + "as the webhook would (the operator's own injector, offline: no cluster is "
        + "contacted). Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, "
        + "CronJobs; other objects pass through. Multi-document YAML in, YAML out. Exit "
        + "status 1 if the webhook would refuse a pod (the reason goes to standard "
        + "error)."})
public final class InjectCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
      description = "The manifests to inject; - reads standard input.")
  String file;

  @Option(names = "--namespace-injection", paramLabel = "enabled|disabled",
      defaultValue = "enabled",
      description = "Whether the namespace the objects go to has label palisade.dev/inject=enabled"
          + " (default: ${DEFAULT-VALUE}); with disabled only pods annotated"
          + " palisade.dev/inject: \"true\" are injected.")
  String namespaceInjection;

  @Option(names = "--image", defaultValue = InjectionSettings.DEFAULT_IMAGE,
      description = "The proxy's image (chart: sidecar.image; default: ${DEFAULT-VALUE}).")
  String image;

  @Option(names = "--image-pull-policy", defaultValue = "IfNotPresent",
      description = "Always, IfNotPresent or Never (default: ${DEFAULT-VALUE}).")
  String imagePullPolicy;

  @Option(names = "--proxy-version",
      description = "The palisade.dev/proxy-version annotation (default: the image's tag).")
  String proxyVersion;

  @Option(names = "--proxy-cpu", defaultValue = "100m",
      description = "The proxy's CPU request (chart: sidecar.resources.cpu; default: ${DEFAULT-VALUE}).")
  String proxyCpu;

  @Option(names = "--proxy-memory", defaultValue = "192Mi",
      description = "The proxy's memory request and limit (chart: sidecar.resources.memory;"
          + " default: ${DEFAULT-VALUE}).")
  String proxyMemory;

  @Option(names = "--operator-endpoint",
      defaultValue = "https://palisade-operator.palisade-system.svc:443",
      description = "Where proxies reach the operator (default: ${DEFAULT-VALUE}, the chart's"
          + " Service for release palisade in palisade-system).")
  String operatorEndpoint;

  @Option(names = "--trust-domain", defaultValue = "cluster.local",
      description = "The trust domain (chart: trustDomain; default: ${DEFAULT-VALUE}).")
  String trustDomain;

  @Override
  public Integer call() throws Exception {
    if (!namespaceInjection.equals("enabled") && !namespaceInjection.equals("disabled")) {
      throw new IllegalArgumentException("--namespace-injection must be enabled or disabled");
    }
    InjectionSettings settings = new InjectionSettings(image, imagePullPolicy,
        proxyVersion != null ? proxyVersion : InjectionSettings.fromEnvironment(
            Map.of("PALISADE_SIDECAR_IMAGE", image), "", "", trustDomain).proxyVersion(),
        proxyCpu, proxyMemory, operatorEndpoint, trustDomain);
    Map<String, String> labels = namespaceInjection.equals("enabled")
        ? Map.of(InjectionContract.NAMESPACE_LABEL, InjectionContract.ENABLED) : Map.of();
    ManifestInjector injector = new ManifestInjector(new PodInjector(settings), labels);
    ManifestInjector.Result result;
    try (Reader reader = file.equals("-")
        ? new InputStreamReader(System.in, StandardCharsets.UTF_8)
        : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
      result = injector.inject(reader);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    out.print(result.yaml());
    out.flush();
    for (ManifestInjector.Outcome outcome : result.outcomes()) {
      if (!outcome.result().equals("injected")) {
        err.println(outcome.kind() + " " + outcome.name() + " (document " + outcome.document()
            + "): " + outcome.result() + ": " + outcome.message());
      }
    }
    err.flush();
    return result.refused() ? Main.FAILED : 0;
  }
}
