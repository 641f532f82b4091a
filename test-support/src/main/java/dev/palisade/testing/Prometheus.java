package dev.palisade.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (hack/build-prometheus.sh) on loopback, with its data in a test's
 * directory, scraping the given targets every second and evaluating the given rule files every
 * second. Queried over its HTTP API.
 */
public final class Prometheus implements AutoCloseable {

  /** A scrape target on 127.0.0.1, with the target labels a PodMonitor would give. */
  public record Target(String job, int port, String namespace, String pod) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path log;
  private final URI base;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private Prometheus(Process process, Path log, URI base) {
    this.process = process;
    this.log = log;
    this.base = base;
  }

  public static Prometheus start(Path dir, List<Target> targets, List<Path> ruleFiles)
      throws IOException {
    Files.createDirectories(dir);
    StringBuilder config = new StringBuilder("""
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        rule_files:
        """);
    ruleFiles.forEach(f -> config.append("  - '").append(f).append("'\n"));
    config.append("scrape_configs:\n");
    Map<String, List<Target>> jobs = new LinkedHashMap<>();
    targets.forEach(t -> jobs.computeIfAbsent(t.job(), j -> new ArrayList<>()).add(t));
    jobs.forEach((job, members) -> {
      config.append("  - job_name: ").append(job).append('\n')
          .append("    static_configs:\n");
      for (Target target : members) {
        config.append("      - targets: ['127.0.0.1:").append(target.port()).append("']\n")
            .append("        labels: {namespace: ").append(target.namespace())
            .append(", pod: ").append(target.pod()).append("}\n");
      }
    });
    Path configFile = dir.resolve("prometheus.yml");
    Files.writeString(configFile, config);
    int port = freePort();
    Path log = dir.resolve("prometheus.log");
    Process process = new ProcessBuilder(PrometheusBinaries.prometheus().toString(),
        "--config.file=" + configFile, "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .start();
    Prometheus prometheus = new Prometheus(process, log, URI.create("http://127.0.0.1:" + port));
    try {
      await("Prometheus ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> {
            if (!process.isAlive()) {
              throw new IllegalStateException("Prometheus exited: " + Files.readString(log));
            }
            return prometheus.status("/-/ready") == 200;
          });
    } catch (RuntimeException e) {
      prometheus.close();
      throw e;
    }
    return prometheus;
  }

  /** The {@code data.result} of an instant query. */
  public JsonNode query(String promql) {
    return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
        .path("data").path("result");
  }

  /** GET of an API path, which must answer {@code status: success}. */
  public JsonNode api(String pathAndQuery) {
    HttpResponse<String> response = get(pathAndQuery);
    try {
      JsonNode body = JSON.readTree(response.body());
      assertThat(body.path("status").asText()).as(pathAndQuery + ": " + response.body())
          .isEqualTo("success");
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What Prometheus logged, for failure messages. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private int status(String path) {
    try {
      return get(path).statusCode();
    } catch (UncheckedIOException e) {
      return -1;
    }
  }

  private HttpResponse<String> get(String pathAndQuery) {
    try {
      return http.send(HttpRequest.newBuilder(base.resolve(pathAndQuery))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
