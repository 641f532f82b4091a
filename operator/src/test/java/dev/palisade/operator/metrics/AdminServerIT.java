package dev.palisade.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.operator.http.HttpServer;
import dev.palisade.testing.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin port over real HTTP: probes follow the registered checks, /metrics is Prometheus text. */
class AdminServerIT {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicBoolean certificateReady = new AtomicBoolean(false);
  private final ReadinessChecks readiness = new ReadinessChecks()
      .add("serving-certificate", certificateReady::get)
      .add("https-server", () -> true)
      .add("broken-check", () -> {
        throw new IllegalStateException("a check that throws is not ready");
      });
  private final HttpClient client = HttpClient.newHttpClient();
  private HttpServer admin;

  @BeforeEach
  void start() {
    admin = AdminServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        registry, readiness);
  }

  @AfterEach
  void stop() {
    admin.close();
    client.close();
  }

  @Test
  void readyzNamesTheChecksThatFailAndHealthzOnlyAsksWhetherTheProcessAnswers() throws Exception {
    HttpResponse<String> notReady = get("/readyz");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body()).contains("\"status\":\"not_ready\"")
        .contains("\"failing\":[\"broken-check\",\"serving-certificate\"]");
    assertThat(get("/healthz").statusCode()).isEqualTo(200);

    certificateReady.set(true);
    assertThat(get("/readyz").body()).contains("\"failing\":[\"broken-check\"]");
  }

  @Test
  void readyOnceEveryCheckPasses() throws Exception {
    ReadinessChecks allGood = new ReadinessChecks().add("https-server", () -> true);
    try (HttpServer server = AdminServer.bind(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), registry, allGood)) {
      HttpResponse<String> ready = client.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.port() + "/readyz")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).isEqualTo("{\"status\":\"ready\"}");
    }
  }

  @Test
  void metricsAreTheRegistrysPrometheusText() {
    new CaMetrics(registry).issued(CaMetrics.Kind.SERVER, "success");

    PrometheusText metrics = PrometheusText.scrape(uri("/metrics"));

    assertThat(metrics.value(
        "palisade_ca_certificates_issued_total{kind=\"server\",result=\"success\"}")).isEqualTo(1);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(uri(path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + admin.port() + path);
  }
}
