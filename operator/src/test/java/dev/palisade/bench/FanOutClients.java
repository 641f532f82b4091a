package dev.palisade.bench;

import dev.palisade.common.pki.Pem;
import dev.palisade.operator.http.Json;
import dev.palisade.testing.WorkloadTls;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * The simulated sidecars of {@link ConfigFanOutBench}, in their own JVM so the operator's CPU
 * and heap are measured alone: {@code count} long-poll loops on {@code /v1/config}, one
 * connection each, with the workload certificate of the pods' shared service account. Prints
 * {@code POLLING} once every loop holds a long-poll, then {@code CHANGED <i> <epoch micros>
 * <bytes>} for every new version received. Exits when its stdin closes.
 *
 * <p>Arguments: port, root PEM file, key PEM file, chain PEM file, count, pod name prefix.
 */
public final class FanOutClients {

  private FanOutClients() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    var root = Pem.parseCertificates(Files.readString(Path.of(args[1]))).getFirst();
    var key = Pem.parsePrivateKey(Files.readString(Path.of(args[2])));
    var chain = Pem.parseCertificates(Files.readString(Path.of(args[3])));
    int count = Integer.parseInt(args[4]);
    String prefix = args[5];
    HttpClient http = HttpClient.newBuilder()
        .sslContext(WorkloadTls.clientContext(root, key, chain))
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(60))
        .build();
    String[] versions = new String[count];
    Semaphore handshakes = new Semaphore(50); // a rolling start, as pods start
    CompletableFuture<?>[] first = new CompletableFuture<?>[count];
    for (int i = 0; i < count; i++) {
      int sidecar = i;
      handshakes.acquire();
      first[i] = http.sendAsync(request(port, prefix + i, null), HttpResponse.BodyHandlers.ofByteArray())
          .thenAccept(response -> versions[sidecar] = version(response.body()))
          .whenComplete((r, e) -> handshakes.release());
    }
    CompletableFuture.allOf(first).join();
    for (int i = 0; i < count; i++) {
      poll(http, port, prefix, i, versions);
    }
    System.out.println("POLLING");
    System.out.flush();
    try (BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in,
        StandardCharsets.UTF_8))) {
      while (stdin.readLine() != null) {
        // the parent never writes; its exit closes stdin
      }
    }
    System.exit(0);
  }

  private static void poll(HttpClient http, int port, String prefix, int i, String[] versions) {
    http.sendAsync(request(port, prefix + i, versions[i]), HttpResponse.BodyHandlers.ofByteArray())
        .whenComplete((response, failure) -> {
          if (failure != null) {
            System.out.println("ERROR " + i + " " + failure);
          } else if (response.statusCode() == 200) {
            long micros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
            versions[i] = version(response.body());
            System.out.println("CHANGED " + i + " " + micros + " " + response.body().length);
          } else if (response.statusCode() != 304) {
            System.out.println("ERROR " + i + " HTTP " + response.statusCode());
          }
          poll(http, port, prefix, i, versions);
        });
  }

  private static HttpRequest request(int port, String pod, String version) {
    return HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/v1/config?pod="
            + pod + (version == null ? "" : "&version=" + version)))
        .timeout(Duration.ofSeconds(90))
        .GET().build();
  }

  private static String version(byte[] body) {
    try {
      return Json.MAPPER.readTree(body).get("version").asText();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
