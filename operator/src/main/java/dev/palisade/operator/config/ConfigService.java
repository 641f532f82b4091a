package dev.palisade.operator.config;

import dev.palisade.common.pki.Pem;
import dev.palisade.operator.ca.CaUnavailableException;
import dev.palisade.operator.ca.CertificateAuthority;
import dev.palisade.operator.http.HttpServer;
import dev.palisade.operator.http.Request;
import dev.palisade.operator.http.RequestHandler;
import dev.palisade.operator.http.Response;
import dev.palisade.operator.policy.Workload;
import dev.palisade.operator.revocation.RevocationIndex;
import dev.palisade.operator.watch.PodIndex;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The config service as a replica runs it: informers on the cluster, the publisher that keeps
 * each workload's configuration, and the two endpoints, added to the HTTPS server with
 * {@link #routes}. Every replica runs one; none needs leadership.
 */
public final class ConfigService implements AutoCloseable {

  /** Default: a long-poll is held 30 s; how many at once is sized from the heap. */
  public static final Duration POLL_TIMEOUT = Duration.ofSeconds(30);
  /** On the admin port: the version the operator serves a pod now. */
  public static final String CONFIG_VERSION_PATH = "/v1/config-version";

  private final PodIndex ownPods;
  private final RevocationIndex ownRevocations;
  private final Runnable unsubscribeRevocations;
  private final ClusterCache cluster;
  private final ConfigPublisher publisher;
  private final ConfigEndpoint config;
  private final DestinationsEndpoint destinations;

  /**
   * Starts the informers (returning once they have listed) with the default timeouts, on the
   * operator's shared {@code pods} and {@code revocations}.
   */
  public static ConfigService start(KubernetesClient client, PodIndex pods,
      RevocationIndex revocations, CertificateAuthority ca, String operatorNamespace,
      MeterRegistry registry) {
    return new ConfigService(client, pods, revocations, false, ca, operatorNamespace, registry,
        POLL_TIMEOUT, LongPollLimits.forThisJvm());
  }

  /** With default timeouts and pod and revocation informers of its own. */
  public static ConfigService start(KubernetesClient client, CertificateAuthority ca,
      String operatorNamespace, MeterRegistry registry) {
    return new ConfigService(client, ca, operatorNamespace, registry, POLL_TIMEOUT,
        LongPollLimits.forThisJvm());
  }

  /** With pod and revocation informers of its own (closed with it). */
  public ConfigService(KubernetesClient client, CertificateAuthority ca, String operatorNamespace,
      MeterRegistry registry, Duration pollTimeout, int maxLongPolls) {
    this(client, ca, operatorNamespace, registry, pollTimeout, LongPollLimits.of(maxLongPolls));
  }

  /** With pod and revocation informers of its own (closed with it). */
  public ConfigService(KubernetesClient client, CertificateAuthority ca, String operatorNamespace,
      MeterRegistry registry, Duration pollTimeout, LongPollLimits limits) {
    this(client, new PodIndex(client), new RevocationIndex(client), true, ca, operatorNamespace,
        registry, pollTimeout, limits);
  }

  private ConfigService(KubernetesClient client, PodIndex pods, RevocationIndex revocations,
      boolean ownsInformers, CertificateAuthority ca, String operatorNamespace,
      MeterRegistry registry, Duration pollTimeout, LongPollLimits limits) {
    this.ownPods = ownsInformers ? pods : null;
    this.ownRevocations = ownsInformers ? revocations : null;
    revocations.start();
    ConfigMetrics metrics = new ConfigMetrics(registry);
    Forwarding listener = new Forwarding();
    this.cluster = new ClusterCache(client, pods, operatorNamespace, listener);
    this.publisher = new ConfigPublisher(cluster, ca.trustDomain(), () -> bundle(ca),
        () -> revocations.inForce(ca.trustDomain(), Instant.now(), issuerNotAfter(ca)),
        pollTimeout, limits.total());
    listener.target = publisher;
    this.unsubscribeRevocations = revocations.subscribe(publisher::revocationsChanged);
    publisher.policiesChanged(null); // everything the initial listing saw
    metrics.gauges(publisher::waiting, publisher::workloads);
    metrics.revocationGauges(() -> publisher.revocations().serials().size(),
        () -> publisher.revocations().identities().size());
    this.config = new ConfigEndpoint(cluster, publisher, ca.trustDomain(), metrics,
        limits);
    this.destinations = new DestinationsEndpoint(cluster,
        new DestinationResolver(cluster, ca.trustDomain(), publisher::inbound), ca.trustDomain(),
        metrics, publisher::revocations);
  }

  /** Adds {@code GET /v1/config} and {@code GET /v1/destinations} to {@code server}. */
  public HttpServer.Builder routes(HttpServer.Builder server) {
    return server.route("GET", ConfigEndpoint.PATH, config)
        .route("GET", DestinationsEndpoint.PATH, destinations);
  }

  /**
   * Adds {@code GET /v1/config-version?pod=NAMESPACE/NAME} (the admin port): the configuration
   * version the operator serves that injected pod now, which {@code palisade proxy-status}
   * compares with the one its proxy holds.
   */
  public HttpServer.Builder adminRoutes(HttpServer.Builder server) {
    return server.route("GET", CONFIG_VERSION_PATH, RequestHandler.of(this::configVersion));
  }

  private Response configVersion(Request request) {
    String[] pod = request.queryParameter("pod").orElse("").split("/", -1);
    if (pod.length != 2 || pod[0].isEmpty() || pod[1].isEmpty()) {
      return Response.error(400, "bad_request", "name the pod: " + CONFIG_VERSION_PATH
          + "?pod=<namespace>/<name>");
    }
    if (!cluster.synced()) {
      return Response.error(503, "not_ready", "the cluster's policies are not loaded yet");
    }
    Optional<Workload> workload = cluster.pod(pod[0], pod[1]).filter(Workload::injected);
    if (workload.isEmpty()) {
      return Response.error(404, "pod_not_found", "no injected pod " + pod[0] + "/" + pod[1]);
    }
    return publisher.version(workload.get())
        .map(version -> Response.json(200, Map.of("pod", workload.get().key(),
            "version", version)))
        .orElseGet(() -> Response.error(503, "ca_unavailable", "no trust bundle yet"));
  }

  /** Whether the informers have listed: a readiness check. */
  public boolean isReady() {
    return cluster.synced();
  }

  private static Optional<Instant> issuerNotAfter(CertificateAuthority ca) {
    try {
      return Optional.of(ca.issuerNotAfter());
    } catch (CaUnavailableException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> bundle(CertificateAuthority ca) {
    try {
      return Optional.of(Pem.certificates(ca.trustBundle()));
    } catch (CaUnavailableException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    unsubscribeRevocations.run();
    cluster.close();
    publisher.close();
    if (ownPods != null) {
      ownPods.close();
    }
    if (ownRevocations != null) {
      ownRevocations.close();
    }
  }

  /**
   * Passes informer events to the publisher once it exists; those of the initial listing arrive
   * before and are dropped, which the full recompute right after the publisher starts covers.
   */
  private static final class Forwarding implements ClusterView.Listener {
    private volatile ClusterView.Listener target;

    @Override
    public void policiesChanged(String namespace) {
      if (target != null) {
        target.policiesChanged(namespace);
      }
    }

    @Override
    public void podChanged(String namespace, String name) {
      if (target != null) {
        target.podChanged(namespace, name);
      }
    }

    @Override
    public void podRemoved(String namespace, String name) {
      if (target != null) {
        target.podRemoved(namespace, name);
      }
    }
  }
}
