package dev.palisade.cli;

import dev.palisade.common.sidecar.ProxyIdentity;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code palisade identity POD}. */
@Command(name = "identity", mixinStandardHelpOptions = true,
    description = {"Show the identity a pod's proxy serves.",
        "What a pod's proxy serves: its SPIFFE ID, certificate serial, validity, chain and "
        + "time to renewal, the trust bundle and configuration versions it holds (from the "
        + "proxy's /identity through the API server's pod proxy), against what the operator "
        + "publishes. Exit status 1 if the pod has no proxy, it cannot be reached, its "
        + "certificate is past its renewal point, or its trust bundle or configuration is "
        + "stale."})
public final class IdentityCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  KubeOptions kube;

  @Mixin
  PodArgument target;

  @Mixin
  PalisadeNamespaceOption palisade;

  @Mixin
  ProxyOptions proxies;

  @Mixin
  OutputOption output;

  /** The answer of {@code -o json}. */
  record Identity(String pod, String spiffeId, String serial, Instant notBefore,
      Instant notAfter, String timeToExpiry, Instant renewalWindowStart,
      Instant renewalWindowEnd, Boolean pastRenewal, List<String> chain,
      String trustBundleVersion, Boolean trustBundleCurrent, String operatorBundleVersion,
      Integer operatorBundleRoots, String configVersion, String servedConfigVersion,
      Boolean configInSync, String unreachable) {}

  @Override
  public Integer call() {
    Identity identity;
    try (KubernetesClient client = kube.client()) {
      Pod found = target.injectedPod(client);
      ProxyInspector inspector = new ProxyInspector(client,
          new Installation(client, palisade.name), Clock.systemUTC(),
          proxies.timeout());
      ProxyInspector.ProxyView view = inspector.inspect(found);
      var status = inspector.trustDomainObject().map(t -> t.getStatus()).orElse(null);
      var served = view.identity();
      identity = new Identity(view.pod(),
          served.map(ProxyIdentity::spiffeId).orElse(view.spiffeId()),
          served.map(ProxyIdentity::serial).orElse(null),
          served.map(i -> Instant.parse(i.notBefore())).orElse(null),
          view.certificateExpiry(),
          view.certificateExpiry() == null ? null
              : HumanDuration.of(Duration.between(Instant.now(), view.certificateExpiry())),
          view.renewalWindowStart(), view.renewalWindowEnd(), view.pastRenewal(),
          served.map(ProxyIdentity::chain).orElse(null), view.trustBundleVersion(),
          view.trustBundleCurrent(),
          status == null ? null : status.bundleVersion,
          status == null ? null : status.bundleRoots,
          view.configVersion(), view.servedConfigVersion(), view.configInSync(),
          view.unreachable());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(output.json() ? Json.write(identity) + "\n" : text(identity));
    out.flush();
    return identity.notAfter() != null && !Boolean.TRUE.equals(identity.pastRenewal())
        && !Boolean.FALSE.equals(identity.trustBundleCurrent())
        && !Boolean.FALSE.equals(identity.configInSync()) ? 0 : Main.FAILED;
  }

  static String text(Identity i) {
    StringBuilder out = new StringBuilder();
    out.append("pod:                ").append(i.pod()).append('\n');
    out.append("SPIFFE ID:          ").append(i.spiffeId()).append('\n');
    if (i.notAfter() != null) {
      out.append("certificate:        ").append(i.serial() == null ? ""
              : "serial " + i.serial() + ", valid from " + i.notBefore() + ", ")
          .append("expires ").append(i.notAfter()).append(" (in ").append(i.timeToExpiry())
          .append(")\n");
      out.append("renewal:            between ").append(i.renewalWindowStart()).append(" and ")
          .append(i.renewalWindowEnd())
          .append(Boolean.TRUE.equals(i.pastRenewal()) ? " - LATE, not renewed" : "").append('\n');
    } else {
      out.append("certificate:        ").append(i.unreachable() != null
          ? "unknown: " + i.unreachable() : "none yet (the proxy has not got one)").append('\n');
    }
    if (i.chain() != null) {
      out.append("chain:              ").append(i.chain().size())
          .append(" certificate(s), leaf first (-o json has the PEM)\n");
    }
    out.append("trust bundle:       ").append(i.trustBundleVersion() == null ? "unknown"
            : "version " + i.trustBundleVersion())
        .append(i.trustBundleCurrent() == null ? ""
            : i.trustBundleCurrent() ? ", holds the trust domain's newest root"
            : " - STALE: lacks the trust domain's newest root")
        .append(i.operatorBundleVersion() == null ? "" : "; the trust domain's: version "
            + i.operatorBundleVersion() + ", " + i.operatorBundleRoots() + " root(s)")
        .append('\n');
    out.append("configuration:      ").append(i.configVersion() == null ? "unknown"
            : "version " + i.configVersion())
        .append(i.configInSync() == null ? "" : i.configInSync() ? ", in sync with the operator"
            : " - STALE: the operator serves " + i.servedConfigVersion())
        .append('\n');
    return out.toString();
  }
}
