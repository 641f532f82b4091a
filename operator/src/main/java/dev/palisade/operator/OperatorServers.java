package dev.palisade.operator;

import dev.palisade.operator.ca.CaRegistry;
import dev.palisade.operator.ca.CaState;
import dev.palisade.operator.ca.CertificateAuthority;
import dev.palisade.operator.config.ConfigService;
import dev.palisade.operator.http.BoundedWorkers;
import dev.palisade.operator.http.HttpServer;
import dev.palisade.operator.injection.PodInjectionWebhook;
import dev.palisade.operator.metrics.AdminServer;
import dev.palisade.operator.metrics.CaMetrics;
import dev.palisade.operator.metrics.JvmMetrics;
import dev.palisade.operator.metrics.ReadinessChecks;
import dev.palisade.operator.signing.CertificatesEndpoint;
import dev.palisade.operator.signing.ServingCertificate;
import dev.palisade.operator.signing.SigningGuard;
import dev.palisade.operator.watch.SharedWatches;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every replica serves, leader or not: the HTTPS endpoints (certificate signing, sidecar
 * configuration and destination lookups, the injection webhook) with a serving certificate from
 * the CA itself, and the admin server (metrics, health, readiness).
 */
public final class OperatorServers implements AutoCloseable {

  /** Signing threads and queued requests beyond them; more are refused with 429. */
  private static final int SIGNING_THREADS = 8;
  private static final int SIGNING_QUEUE = 64;
  /**
   * Reviews the webhook runs before it listens: about what one burst of pods sends (each pod is
   * reviewed twice, by reinvocation), so the first real burst meets compiled code.
   */
  private static final int WEBHOOK_WARM_UP_REVIEWS = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(OperatorServers.class);

  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final SharedWatches ownWatches;
  private final CaRegistry cas;
  private final ServingCertificate serving;
  private final BoundedWorkers workers;
  private final PodInjectionWebhook injection;
  private final ConfigService configService;
  private final HttpServer https;
  private final HttpServer webhook;
  private final HttpServer admin;
  private final ScheduledExecutorService expiryRefresh = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("ca-expiry-metrics").daemon().factory());

  /** With informers of its own on pods and CA Secrets, closed with it. */
  public OperatorServers(KubernetesClient client, OperatorConfig config, Clock clock) {
    this(client, config, clock, new SharedWatches(client, config.namespace(), clock), true);
  }

  /**
   * On the replica's shared informers (also read by its reconcilers); whoever made them closes
   * them.
   */
  public OperatorServers(KubernetesClient client, OperatorConfig config, Clock clock,
      SharedWatches watches) {
    this(client, config, clock, watches, false);
  }

  private OperatorServers(KubernetesClient client, OperatorConfig config, Clock clock,
      SharedWatches watches, boolean ownsWatches) {
    ownWatches = ownsWatches ? watches : null;
    JvmMetrics.bindTo(registry);
    CaMetrics metrics = new CaMetrics(registry);
    watches.caSecrets().start();
    watches.revocations().start();
    cas = watches.caSecrets().registry();
    CertificateAuthority ca = cas.authorityFor(config.trustDomain());
    serving = new ServingCertificate(ca, config.namespace(), config.serviceAccount(),
        config.dnsNames(), metrics, clock).start();
    workers = new BoundedWorkers("signing", SIGNING_THREADS, SIGNING_QUEUE);
    injection = PodInjectionWebhook.forCluster(client, config.injection(), registry, clock);
    configService = ConfigService.start(client, watches.pods(), watches.revocations(), ca,
        config.namespace(), registry);
    // One event loop per core: TLS handshakes are this listener's main work (a mass restart of
    // 10,000 sidecars kept one loop saturated for 50 s, 70% of it in the JDK's handshake
    // crypto: docs/benchmarks.md, "Scale"), and every handler on it is thread-safe.
    https = configService.routes(HttpServer.https("https", serving)
        .eventLoopThreads(Runtime.getRuntime().availableProcessors())
        .route("POST", CertificatesEndpoint.PATH,
            new SigningGuard(CertificatesEndpoint.forCluster(client, ca,
                watches.revocations()::suspendedBy, workers, metrics), metrics, clock)))
        .bind(new InetSocketAddress(config.httpsPort()));
    // The webhook on a listener, event loop and worker pool of its own: a flood of forged
    // AdmissionReviews (anyone in the cluster can reach it) cannot take signing's or config's.
    LOG.info("webhook warmed up with {} reviews in {} ms", WEBHOOK_WARM_UP_REVIEWS,
        injection.warmUp(WEBHOOK_WARM_UP_REVIEWS).toMillis());
    HttpServer.Builder webhookServer = HttpServer.https("webhook", serving);
    PodInjectionWebhook.PATHS.forEach(path -> webhookServer.route("POST", path, injection));
    webhook = webhookServer.bind(new InetSocketAddress(config.webhookPort()));
    admin = AdminServer.bind(new InetSocketAddress(config.adminPort()), registry,
        new ReadinessChecks()
            .add("https-server", https::isServing)
            .add("webhook-server", webhook::isServing)
            .add("serving-certificate", serving::isReady)
            .add("config-service", configService::isReady), configService::adminRoutes);
    expiryRefresh.scheduleWithFixedDelay(() -> cas.state(config.trustDomain())
        .ifPresent(state -> publishExpiry(metrics, state)), 0, 15, TimeUnit.SECONDS);
  }

  private static void publishExpiry(CaMetrics metrics, CaState state) {
    metrics.caExpiry(CaMetrics.Role.ROOT, state.newestRoot().getNotAfter().toInstant());
    metrics.caExpiry(CaMetrics.Role.ISSUER, state.issuer().certificate().getNotAfter().toInstant());
    metrics.rotationPhase(CaMetrics.RotationPhase.of(state.roots().size(),
        state.issuerUnderNewestRoot()));
  }

  public int httpsPort() {
    return https.port();
  }

  public int webhookPort() {
    return webhook.port();
  }

  /** Where the reconcilers' meters go too: one registry, one scrape. */
  public MeterRegistry registry() {
    return registry;
  }

  public int adminPort() {
    return admin.port();
  }

  @Override
  public void close() throws Exception {
    if (closed.getAndSet(true)) {
      return;
    }
    expiryRefresh.shutdownNow();
    https.close();
    webhook.close();
    admin.close();
    workers.close();
    injection.close();
    configService.close();
    serving.close();
    if (ownWatches != null) {
      ownWatches.close();
    }
  }
}
