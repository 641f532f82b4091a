package dev.palisade.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code palisade proxy-status}: every injected pod's proxy. */
@Command(name = "proxy-status", mixinStandardHelpOptions = true,
    description = {"Show every injected proxy: ready, version, certificate.",
        "Every injected pod (label palisade.dev/proxy=injected): ready, proxy version "
        + "against the one the operator injects now, configuration version against the "
        + "one the operator serves that pod now, trust bundle, certificate expiry and "
        + "renewal (from the proxy's /identity through the API server's pod proxy). Exit "
        + "status 1 if a proxy is not ready, outdated, stale, or past its renewal point."})
public final class ProxyStatusCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  KubeOptions kube;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
      description = "Only pods of this namespace (default: every namespace).")
  String namespace;

  @Mixin
  PalisadeNamespaceOption palisade;

  @Mixin
  ProxyOptions proxies;

  @Mixin
  OutputOption output;

  /** The answer of {@code -o json}. */
  record Status(String operatorProxyVersion, List<ProxyInspector.ProxyView> proxies) {}

  @Override
  public Integer call() {
    Status status;
    try (KubernetesClient client = kube.client()) {
      ProxyInspector inspector = new ProxyInspector(client,
          new Installation(client, palisade.name), Clock.systemUTC(),
          proxies.timeout());
      List<ProxyInspector.ProxyView> views = new ArrayList<>();
      inspector.injectedPods(namespace).forEach(pod -> views.add(inspector.inspect(pod)));
      status = new Status(inspector.currentProxyVersion().orElse(null), views);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(output.json() ? Json.write(status) + "\n"
        : text(status, Instant.now()));
    out.flush();
    boolean healthy = status.proxies().stream().allMatch(ProxyInspector.ProxyView::healthy);
    return healthy ? 0 : Main.FAILED;
  }

  static String text(Status status, Instant now) {
    if (status.proxies().isEmpty()) {
      return "No injected pods.\n";
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"POD", "READY", "PROXY", "VERSION", "CONFIG", "BUNDLE", "CERTIFICATE",
        "RENEWAL"});
    for (ProxyInspector.ProxyView p : status.proxies()) {
      rows.add(new String[] {
          p.pod(),
          p.ready() && p.proxyReady() ? "yes" : p.proxyReady() ? "pod not ready" : "no",
          p.proxyVersion() == null ? "-" : p.proxyVersion(),
          p.versionCurrent() == null ? "unknown" : p.versionCurrent() ? "current"
              : "outdated (operator: " + status.operatorProxyVersion() + ")",
          p.configInSync() == null ? (p.configVersion() == null ? "unknown" : p.configVersion())
              : p.configInSync() ? "in sync" : "STALE (" + p.configVersion() + ", operator: "
                  + p.servedConfigVersion() + ")",
          p.trustBundleCurrent() == null ? "unknown" : p.trustBundleCurrent() ? "current"
              : "STALE (lacks the newest root)",
          p.certificateExpiry() == null
              ? (p.unreachable() != null ? "unreachable" : "none yet")
              : "expires in " + HumanDuration.of(java.time.Duration.between(now,
                  p.certificateExpiry())),
          p.pastRenewal() == null ? "-" : p.pastRenewal() ? "LATE" : "in time"});
    }
    int[] widths = new int[rows.getFirst().length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        out.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
      }
      out.append('\n');
    }
    return out.toString();
  }
}
