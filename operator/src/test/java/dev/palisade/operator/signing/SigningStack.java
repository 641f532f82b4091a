package dev.palisade.operator.signing;

import static org.awaitility.Awaitility.await;

import dev.palisade.operator.revocation.RevocationIndex;
import dev.palisade.operator.http.BoundedWorkers;
import dev.palisade.operator.http.HttpServer;
import dev.palisade.operator.limits.SourceRateLimiter;
import dev.palisade.operator.http.Json;
import dev.palisade.operator.metrics.AdminServer;
import dev.palisade.operator.metrics.CaMetrics;
import dev.palisade.operator.metrics.ReadinessChecks;
import dev.palisade.testing.InProcessCa;
import dev.palisade.testing.PrometheusText;
import dev.palisade.testing.TrustingRoot;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The signing endpoint wired as the operator wires it: the HTTPS server with a serving
 * certificate from the CA, the admin server with metrics and readiness, tokens reviewed and pods
 * read through the given (operator) client. Plus an HTTPS client that trusts only the CA's root.
 */
final class SigningStack implements AutoCloseable {

  static final String OPERATOR_NAMESPACE = "palisade-system";
  static final String OPERATOR_SERVICE_ACCOUNT = "palisade-operator";

  final InProcessCa ca;
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final CaMetrics metrics = new CaMetrics(registry);
  final ServingCertificate serving;
  final BoundedWorkers workers;
  final HttpServer https;
  final HttpServer admin;
  final HttpClient client;
  /** The real informers on IdentitySuspensions, as the operator runs them. */
  final RevocationIndex revocations;
  /** TokenReviews sent to the API server so far. */
  final java.util.concurrent.atomic.AtomicInteger tokenReviews =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Generous per-source limits: every test client calls from 127.0.0.1. */
  static SourceRateLimiter oneSourceForAll() {
    return new SourceRateLimiter(100_000, 100_000, 16, Clock.systemUTC());
  }

  SigningStack(KubernetesClient operator, InProcessCa ca, int threads, int queue) {
    this(operator, ca, threads, queue, oneSourceForAll());
  }

  SigningStack(KubernetesClient operator, InProcessCa ca, int threads, int queue,
      SourceRateLimiter sources) {
    this.ca = ca;
    serving = new ServingCertificate(ca, OPERATOR_NAMESPACE, OPERATOR_SERVICE_ACCOUNT,
        List.of("localhost"), metrics, Clock.systemUTC()).start();
    await("serving certificate").atMost(Duration.ofSeconds(30)).until(serving::isReady);
    workers = new BoundedWorkers("signing", threads, queue);
    revocations = new RevocationIndex(operator);
    revocations.start();
    TokenReviewAuthenticator api = new TokenReviewAuthenticator(operator);
    CallerAuthenticator reviews = token -> {
      tokenReviews.incrementAndGet();
      return api.authenticate(token);
    };
    https = HttpServer.https("signing", serving)
        .eventLoopThreads(2)
        .route("POST", CertificatesEndpoint.PATH,
            new SigningGuard(new CertificatesEndpoint(ca, reviews, new PodBindingCheck(operator),
                revocations::suspendedBy, workers, metrics), metrics, Clock.systemUTC(), sources))
        .bind(loopback());
    ReadinessChecks readiness = new ReadinessChecks()
        .add("https-server", https::isServing)
        .add("serving-certificate", serving::isReady);
    admin = AdminServer.bind(loopback(), registry, readiness);
    client = HttpClient.newBuilder()
        .sslContext(TrustingRoot.sslContext(ca.rootCertificate()))
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  static InetSocketAddress loopback() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  URI certificates() {
    return certificatesOn(https);
  }

  /** The endpoint on {@code server}, by the name its serving certificate carries. */
  static URI certificatesOn(HttpServer server) {
    return URI.create("https://localhost:" + server.port() + CertificatesEndpoint.PATH);
  }

  URI adminUri(String path) {
    return URI.create("http://127.0.0.1:" + admin.port() + path);
  }

  HttpRequest request(URI uri, String token, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request.build();
  }

  HttpResponse<String> post(String token, String body) {
    return post(certificates(), token, body);
  }

  HttpResponse<String> post(URI uri, String token, String body) {
    try {
      return client.send(request(uri, token, body), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String body(String csr) {
    try {
      return Json.MAPPER.writeValueAsString(Map.of("csr", csr));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  PrometheusText scrape() {
    return PrometheusText.scrape(adminUri("/metrics"));
  }

  /** {@code palisade_ca_certificates_issued_total{kind="workload",result=<result>}} now. */
  double issued(String result) {
    return scrape().value(
        "palisade_ca_certificates_issued_total{kind=\"workload\",result=\"" + result + "\"}");
  }

  @Override
  public void close() {
    client.close();
    https.close();
    admin.close();
    workers.close();
    serving.close();
    revocations.close();
  }
}
