package dev.palisade.cli;

import dev.palisade.api.v1alpha1.CertificateRevocation;
import dev.palisade.api.v1alpha1.CertificateRevocationSpec;
import dev.palisade.common.sidecar.ProxyIdentity;
import dev.palisade.common.spiffe.SpiffeId;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code palisade revoke POD}. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
    description = {"Revoke the certificate a pod's proxy serves now.",
        "Reads the serial number and expiry of the certificate the pod's proxy serves (its "
        + "/identity) and creates a CertificateRevocation for it, ending when the certificate "
        + "would have expired. Within seconds every proxy refuses that certificate and closes "
        + "connections made with it, and the pod's proxy renews with a new key "
        + "(docs/incident-response.md)."})
public final class RevokeCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  KubeOptions kube;

  @Mixin
  PodArgument target;

  @Mixin
  ReasonOption why;

  @Mixin
  PalisadeNamespaceOption palisade;

  @Mixin
  ProxyOptions proxies;

  @Override
  public Integer call() {
    CertificateRevocation revocation;
    try (KubernetesClient client = kube.client()) {
      Pod found = target.injectedPod(client);
      String key = found.getMetadata().getNamespace() + "/" + found.getMetadata().getName();
      ProxyInspector.ProxyView view = new ProxyInspector(client,
          new Installation(client, palisade.name), Clock.systemUTC(), proxies.timeout())
          .inspect(found);
      ProxyIdentity served = view.identity().orElseThrow(() -> new IllegalArgumentException(
          "cannot read the certificate " + key + "'s proxy serves: " + (view.unreachable()
              != null ? view.unreachable() : ProxyInspector.OLDER_PROXY)
              + "; revoke by serial with a CertificateRevocation (docs/api.md)"));
      revocation = new CertificateRevocation();
      revocation.getMetadata().setName(name(found, served.serial()));
      revocation.setSpec(new CertificateRevocationSpec());
      revocation.getSpec().trustDomain = SpiffeId.parse(served.spiffeId()).trustDomain();
      revocation.getSpec().serialNumber = served.serial();
      revocation.getSpec().expiresAt = served.notAfter();
      revocation.getSpec().reason = why.reason != null ? why.reason
          : "the certificate of pod " + key + ", revoked with palisade revoke";
      client.resource(revocation).create();
      PrintWriter out = spec.commandLine().getOut();
      out.printf("certificaterevocation/%s created: certificate %s of %s (pod %s) is revoked"
              + " until %s.%nEvery proxy refuses it within seconds; the pod's proxy renews with"
              + " a new key (`palisade identity %s` shows the new serial).%n",
          revocation.getMetadata().getName(), served.serial(), served.spiffeId(), key,
          served.notAfter(), key);
      out.flush();
    }
    return 0;
  }

  /** {@code <pod>-<serial>}, a valid object name however long the pod's. */
  static String name(Pod pod, String serial) {
    String name = pod.getMetadata().getName() + "-" + serial.toLowerCase(Locale.ROOT);
    return name.length() <= 253 ? name : name.substring(name.length() - 253)
        .replaceFirst("^[^a-z0-9]+", "");
  }
}
