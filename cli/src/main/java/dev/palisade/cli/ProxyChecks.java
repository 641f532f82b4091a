package dev.palisade.cli;

import dev.palisade.common.sidecar.SidecarContract;
import static dev.palisade.cli.CheckResult.fail;
import static dev.palisade.cli.CheckResult.ok;
import static dev.palisade.cli.CheckResult.skip;

import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.common.time.KubeDuration;
import dev.palisade.operator.injection.InjectionContract;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Proxies whose certificate is past its renewal point, and proxies that fell back to a classical
 * key exchange group, read from their own /metrics.
 */
final class ProxyChecks {

  private final KubernetesClient client;
  private final Installation installation;
  private final Clock clock;
  private final Duration proxyTimeout;

  ProxyChecks(KubernetesClient client, Installation installation, Clock clock, Duration proxyTimeout) {
    this.client = client;
    this.installation = installation;
    this.clock = clock;
    this.proxyTimeout = proxyTimeout;
  }

  /** Proxies whose certificate is past its renewal point, from their own /metrics. */
  List<CheckResult> proxies(List<TrustDomain> trustDomains) {
    List<Pod> pods = client.pods().inAnyNamespace()
        .withLabel(InjectionContract.PROXY_LABEL, InjectionContract.INJECTED).list().getItems()
        .stream().filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())
            && p.getMetadata().getDeletionTimestamp() == null)
        .toList();
    if (pods.isEmpty()) {
      return List.of(skip("proxy-certificates", "no running injected pod"));
    }
    String domain = installation.trustDomain();
    var workloads = trustDomains.stream().filter(t -> t.getSpec() != null
            && domain.equals(t.getSpec().trustDomain) && t.getSpec().workloadCertificates != null)
        .map(t -> t.getSpec().workloadCertificates).findFirst();
    Duration lifetime = workloads.map(w -> w.lifetime).map(KubeDuration::parse)
        .orElse(Duration.ofHours(24));
    Duration renewBefore = workloads.map(w -> w.renewBefore).map(KubeDuration::parse).orElse(null);
    Instant now = clock.instant();
    List<String> late = new ArrayList<>();
    List<String> classical = new ArrayList<>();
    List<String> unreachable = new ArrayList<>();
    int checked = 0;
    for (Pod pod : pods) {
      String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
      try {
        String metrics = ProxyAdmin.get(client, pod, "/metrics", proxyTimeout);
        Optional<Instant> expiry = ProxyAdmin.certificateExpiry(metrics);
        checked++;
        long fallbacks = ProxyAdmin.classicalHandshakes(metrics);
        if (fallbacks > 0) {
          classical.add(key + " (" + fallbacks + ")");
        }
        if (expiry.isEmpty()) {
          late.add(key + " (no certificate yet)");
        } else if (ProxyAdmin.pastRenewal(expiry.get(), lifetime, renewBefore, now)) {
          late.add(key + " (expires " + expiry.get() + ")");
        }
      } catch (RuntimeException e) {
        unreachable.add(key);
      }
    }
    List<CheckResult> results = new ArrayList<>();
    if (!late.isEmpty()) {
      results.add(fail("proxy-certificates", late.size() + " of " + checked
          + " proxies serve a certificate past its renewal point: " + String.join(", ", late),
          "kubectl logs POD -c " + SidecarContract.PROXY_CONTAINER + " -n NAMESPACE (its"
              + " renewals), and the operator's signing refusals; docs/sidecar.md"));
    } else if (checked > 0) {
      results.add(ok("proxy-certificates", "all " + checked + " reachable proxies renewed in time"));
    }
    if (!classical.isEmpty()) {
      results.add(fail("proxy-crypto", classical.size() + " of " + checked
          + " proxies completed handshakes with a classical key exchange group instead of "
          + SidecarContract.POST_QUANTUM_GROUP + " (count since the proxy started): "
          + String.join(", ", classical.subList(0, Math.min(10, classical.size())))
          + (classical.size() > 10 ? ", ..." : ""),
          "a peer without ML-KEM completed mTLS with them: a proxy image older than the"
              + " operator's (palisade proxy-status), or a workload using a WorkloadCertificate"
              + " with its own TLS library. docs/sidecar.md, \"Key exchange\""));
    } else if (checked > 0) {
      results.add(ok("proxy-crypto", "all " + checked + " reachable proxies negotiated only "
          + SidecarContract.POST_QUANTUM_GROUP));
    }
    if (!unreachable.isEmpty()) {
      results.add(skip("proxy-certificates", unreachable.size() + " proxies not reachable through"
          + " the API server's pod proxy (port " + ProxyAdmin.ADMIN_PORT + "; needs pods/proxy"
          + " and an API server that reaches pod IPs), not checked: "
          + String.join(", ", unreachable.subList(0, Math.min(10, unreachable.size())))
          + (unreachable.size() > 10 ? ", ..." : "")));
    }
    return results;
  }
}
