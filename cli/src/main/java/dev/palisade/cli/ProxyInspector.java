package dev.palisade.cli;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.palisade.common.json.JsonDocuments;
import dev.palisade.common.sidecar.ProxyIdentity;
import dev.palisade.common.sidecar.SidecarContract;
import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.common.time.KubeDuration;
import dev.palisade.operator.config.ConfigService;
import dev.palisade.operator.injection.InjectionContract;
import dev.palisade.operator.metrics.AdminServer;
import dev.palisade.operator.policy.Workload;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What can be known about one injected pod's proxy from outside: the pod's status and
 * annotations, the proxy's {@code GET /identity} through the API server's pod proxy (its
 * certificate, trust bundle and configuration version), and what the operator serves that pod
 * now ({@code GET /v1/config-version} on an operator replica's admin port), for comparison.
 */
final class ProxyInspector {


  /** A proxy from before {@code /identity}: only its certificate's expiry is known. */
  static final String OLDER_PROXY = "not exposed by this proxy version (no /identity;"
      + " restart the pod to get the current proxy)";

  /**
   * One proxy.
   *
   * @param ready the pod's Ready condition
   * @param proxyReady the palisade-proxy container's readiness
   * @param proxyVersion annotation palisade.dev/proxy-version
   * @param versionCurrent whether it is the version the operator injects now (null: unknown)
   * @param certificateExpiry the served certificate's notAfter, null when not reachable or none
   * @param renewalWindowStart when the proxy renews at the earliest (jittered half-life)
   * @param renewalWindowEnd ...and at the latest; past this the certificate is late
   * @param pastRenewal whether now is past the window
   * @param configVersion the configuration version the proxy holds
   * @param servedConfigVersion the version the operator serves this pod now
   * @param configInSync whether they are equal (null: either unknown)
   * @param trustBundleVersion the version of the trust bundle the proxy holds
   * @param trustBundleCurrent whether it holds the trust domain's newest root (null: unknown)
   * @param unreachable why the proxy could not be read, or null
   */
  record ProxyView(String pod, String spiffeId, boolean ready, boolean proxyReady,
      String proxyVersion, Boolean versionCurrent, Instant certificateExpiry,
      Instant renewalWindowStart, Instant renewalWindowEnd, Boolean pastRenewal,
      String configVersion, String servedConfigVersion, Boolean configInSync,
      String trustBundleVersion, Boolean trustBundleCurrent,
      @JsonIgnore Optional<ProxyIdentity> identity, String unreachable) {

    /** Healthy: ready, current, in sync, renewed in time. */
    boolean healthy() {
      return ready && proxyReady && !Boolean.FALSE.equals(versionCurrent)
          && !Boolean.TRUE.equals(pastRenewal) && !Boolean.FALSE.equals(configInSync)
          && !Boolean.FALSE.equals(trustBundleCurrent);
    }
  }

  private final KubernetesClient client;
  private final Installation installation;
  private final Clock clock;
  private final Duration timeout;
  private final String trustDomain;
  private final Duration lifetime;
  private final Duration renewBefore;
  private final Optional<String> currentProxyVersion;
  private final Optional<String> newestRoot;
  private final Optional<Pod> operatorPod;
  private final int operatorAdminPort;

  ProxyInspector(KubernetesClient client, Installation installation, Clock clock,
      Duration timeout) {
    this.client = client;
    this.installation = installation;
    this.clock = clock;
    this.timeout = timeout;
    this.trustDomain = installation.trustDomain();
    Optional<TrustDomainSpecView> spec = trustDomainObject().map(TrustDomainSpecView::of);
    this.lifetime = spec.map(TrustDomainSpecView::lifetime).orElse(Duration.ofHours(24));
    this.renewBefore = spec.map(TrustDomainSpecView::renewBefore).orElse(null);
    this.newestRoot = trustDomainObject().map(TrustDomain::getStatus)
        .map(status -> status.root).map(root -> root.fingerprint);
    this.operatorPod = installation.readyOperatorPod();
    this.operatorAdminPort = installation.operatorSetting("PALISADE_ADMIN_PORT")
        .map(Integer::parseInt).orElse(AdminServer.DEFAULT_PORT);
    this.currentProxyVersion = installation.operatorSetting("PALISADE_PROXY_VERSION")
        .or(() -> installation.operatorSetting("PALISADE_SIDECAR_IMAGE")
            .map(image -> dev.palisade.operator.injection.InjectionSettings.fromEnvironment(
                java.util.Map.of("PALISADE_SIDECAR_IMAGE", image), "", "", "").proxyVersion()));
  }

  private record TrustDomainSpecView(Duration lifetime, Duration renewBefore) {
    static TrustDomainSpecView of(TrustDomain td) {
      var w = td.getSpec().workloadCertificates;
      return new TrustDomainSpecView(
          w == null || w.lifetime == null ? Duration.ofHours(24) : KubeDuration.parse(w.lifetime),
          w == null || w.renewBefore == null ? null : KubeDuration.parse(w.renewBefore));
    }
  }

  Optional<TrustDomain> trustDomainObject() {
    try {
      return client.resources(TrustDomain.class).list().getItems().stream()
          .filter(t -> t.getSpec() != null && trustDomain.equals(t.getSpec().trustDomain))
          .findFirst();
    } catch (KubernetesClientException e) {
      return Optional.empty();
    }
  }

  /** Every pod labelled palisade.dev/proxy=injected, or those of {@code namespace}. */
  List<Pod> injectedPods(String namespace) {
    var pods = namespace == null ? client.pods().inAnyNamespace()
        .withLabel(InjectionContract.PROXY_LABEL, InjectionContract.INJECTED)
        : client.pods().inNamespace(namespace)
            .withLabel(InjectionContract.PROXY_LABEL, InjectionContract.INJECTED);
    return pods.list().getItems().stream()
        .sorted(java.util.Comparator.comparing((Pod p) -> p.getMetadata().getNamespace())
            .thenComparing(p -> p.getMetadata().getName()))
        .toList();
  }

  ProxyView inspect(Pod pod) {
    Workload workload = Workload.of(pod);
    String version = pod.getMetadata().getAnnotations() == null ? null
        : pod.getMetadata().getAnnotations().get(InjectionContract.PROXY_VERSION_ANNOTATION);
    Boolean current = currentProxyVersion.map(v -> v.equals(version)).orElse(null);
    Optional<ProxyIdentity> identity = Optional.empty();
    Instant expiry = null;
    String configVersion = null;
    String unreachable = null;
    boolean running = pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase());
    if (!running) {
      unreachable = "the pod is not running";
    } else {
      try {
        identity = ProxyAdmin.identity(client, pod, timeout);
        expiry = identity.map(i -> Instant.parse(i.notAfter())).orElse(null);
        configVersion = identity.map(ProxyIdentity::configVersion).orElse(null);
      } catch (UnsupportedOperationException older) {
        configVersion = OLDER_PROXY;
        expiry = ProxyAdmin.certificateExpiry(ProxyAdmin.get(client, pod, "/metrics", timeout))
            .orElse(null);
      } catch (RuntimeException e) {
        unreachable = e.getMessage();
      }
    }
    Instant windowStart = null;
    Instant windowEnd = null;
    Boolean late = null;
    if (expiry != null) {
      Duration early = renewBefore != null ? renewBefore
          : Duration.ofMillis((long) (lifetime.toMillis() * 0.6));
      Duration latest = renewBefore != null ? renewBefore
          : Duration.ofMillis((long) (lifetime.toMillis() * 0.4));
      windowStart = expiry.minus(early);
      windowEnd = expiry.minus(latest);
      late = ProxyAdmin.pastRenewal(expiry, lifetime, renewBefore, clock.instant());
    }
    String served = identity.isPresent() ? servedConfigVersion(pod) : null;
    Boolean inSync = identity.isPresent() && served != null
        ? Boolean.valueOf(served.equals(configVersion)) : null;
    Boolean bundleCurrent = identity.isPresent() && newestRoot.isPresent()
        ? Boolean.valueOf(identity.get().trustBundleFingerprints().contains(newestRoot.get()))
        : null;
    return new ProxyView(workload.key(), workload.identity(trustDomain).toString(),
        OperatorChecks.isReady(pod), proxyReady(pod), version, current, expiry, windowStart,
        windowEnd, late, configVersion, served, inSync,
        identity.map(ProxyIdentity::trustBundleVersion).orElse(null), bundleCurrent, identity,
        unreachable);
  }

  /** What an operator replica serves {@code pod} now; null if no replica can say. */
  private String servedConfigVersion(Pod pod) {
    if (operatorPod.isEmpty()) {
      return null;
    }
    try {
      ProxyAdmin.Answer answer = ProxyAdmin.fetch(client, operatorPod.get(), operatorAdminPort,
          ConfigService.CONFIG_VERSION_PATH + "?pod=" + URLEncoder.encode(pod.getMetadata().getNamespace() + "/"
              + pod.getMetadata().getName(), StandardCharsets.UTF_8), timeout);
      return answer.code() == 200
          ? JsonDocuments.lenient().read(answer.body(), ServedVersion.class).version() : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The operator's answer. */
  record ServedVersion(String pod, String version) {}

  private static boolean proxyReady(Pod pod) {
    if (pod.getStatus() == null) {
      return false;
    }
    List<ContainerStatus> statuses = Objects.requireNonNullElse(
        pod.getStatus().getInitContainerStatuses(), List.of());
    return statuses.stream().anyMatch(s -> SidecarContract.PROXY_CONTAINER.equals(s.getName())
        && Boolean.TRUE.equals(s.getReady()));
  }

  Optional<String> currentProxyVersion() {
    return currentProxyVersion;
  }

  String trustDomain() {
    return trustDomain;
  }

  Installation installation() {
    return installation;
  }
}
