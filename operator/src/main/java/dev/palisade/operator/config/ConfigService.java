package dev.palisade.operator.config;

import dev.palisade.common.pki.Pem;
import dev.palisade.operator.ca.CaUnavailableException;
import dev.palisade.operator.ca.CertificateAuthority;
import dev.palisade.operator.http.HttpServer;
import dev.palisade.operator.watch.PodIndex;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;

/**
 * The config service as a replica runs it: informers on the cluster, the publisher that keeps
 * each workload's configuration, and the two endpoints, added to the HTTPS server with
 * {@link #routes}. Every replica runs one; none needs leadership.
 */
public final class ConfigService implements AutoCloseable {

  /** Default: a long-poll is held 30 s; how many at once is sized from the heap. */
  public static final Duration POLL_TIMEOUT = Duration.ofSeconds(30);

  private final PodIndex ownPods;
  private final ClusterCache cluster;
  private final ConfigPublisher publisher;
  private final ConfigEndpoint config;
  private final DestinationsEndpoint destinations;

  /**
   * Starts the informers (returning once they have listed) with the default timeouts, on the
   * operator's shared {@code pods}.
   */
  public static ConfigService start(KubernetesClient client, PodIndex pods,
      CertificateAuthority ca, String operatorNamespace, MeterRegistry registry) {
    return new ConfigService(client, pods, false, ca, operatorNamespace, registry, POLL_TIMEOUT,
        LongPollLimits.forThisJvm());
  }

  /** With default timeouts and a pod informer of its own. */
  public static ConfigService start(KubernetesClient client, CertificateAuthority ca,
      String operatorNamespace, MeterRegistry registry) {
    return new ConfigService(client, ca, operatorNamespace, registry, POLL_TIMEOUT,
        LongPollLimits.forThisJvm());
  }

  /** With a pod informer of its own (closed with it). */
  public ConfigService(KubernetesClient client, CertificateAuthority ca, String operatorNamespace,
      MeterRegistry registry, Duration pollTimeout, int maxLongPolls) {
    this(client, ca, operatorNamespace, registry, pollTimeout, LongPollLimits.of(maxLongPolls));
  }

  /** With a pod informer of its own (closed with it). */
  public ConfigService(KubernetesClient client, CertificateAuthority ca, String operatorNamespace,
      MeterRegistry registry, Duration pollTimeout, LongPollLimits limits) {
    this(client, new PodIndex(client), true, ca, operatorNamespace, registry, pollTimeout,
        limits);
  }

  private ConfigService(KubernetesClient client, PodIndex pods, boolean ownsPods,
      CertificateAuthority ca, String operatorNamespace, MeterRegistry registry,
      Duration pollTimeout, LongPollLimits limits) {
    this.ownPods = ownsPods ? pods : null;
    ConfigMetrics metrics = new ConfigMetrics(registry);
    Forwarding listener = new Forwarding();
    this.cluster = new ClusterCache(client, pods, operatorNamespace, listener);
    this.publisher = new ConfigPublisher(cluster, ca.trustDomain(), () -> bundle(ca), pollTimeout,
        limits.total());
    listener.target = publisher;
    publisher.policiesChanged(null); // everything the initial listing saw
    metrics.gauges(publisher::waiting, publisher::workloads);
    this.config = new ConfigEndpoint(cluster, publisher, ca.trustDomain(), metrics,
        limits);
    this.destinations = new DestinationsEndpoint(cluster,
        new DestinationResolver(cluster, ca.trustDomain(), publisher::inbound), ca.trustDomain(),
        metrics);
  }

  /** Adds {@code GET /v1/config} and {@code GET /v1/destinations} to {@code server}. */
  public HttpServer.Builder routes(HttpServer.Builder server) {
    return server.route("GET", ConfigEndpoint.PATH, config)
        .route("GET", DestinationsEndpoint.PATH, destinations);
  }

  /** Whether the informers have listed: a readiness check. */
  public boolean isReady() {
    return cluster.synced();
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
    cluster.close();
    publisher.close();
    if (ownPods != null) {
      ownPods.close();
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
