package dev.palisade.sidecar.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Scrapes a sidecar's admin port over real HTTP and reads values from the text format. */
public final class Metrics {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private Metrics() {}

  public static HttpResponse<String> get(InetSocketAddress admin, String path) {
    return send(admin, path, "GET");
  }

  public static HttpResponse<String> post(InetSocketAddress admin, String path) {
    return send(admin, path, "POST");
  }

  private static HttpResponse<String> send(InetSocketAddress admin, String path, String method) {
    try {
      return HTTP.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + admin.getPort() + path))
          .timeout(Duration.ofSeconds(10))
          .method(method, HttpRequest.BodyPublishers.noBody())
          .build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static String scrape(InetSocketAddress admin) {
    HttpResponse<String> response = get(admin, "/metrics");
    if (response.statusCode() != 200) {
      throw new IllegalStateException("/metrics answered " + response.statusCode());
    }
    return response.body();
  }

  /** The sum of the samples of {@code name} whose labels include {@code labels}. */
  public static double value(String exposition, String name, Map<String, String> labels) {
    double sum = 0;
    boolean found = false;
    for (String line : exposition.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String sampleName = brace >= 0 ? line.substring(0, brace) : line.substring(0, space);
      if (!sampleName.equals(name)) {
        continue;
      }
      Map<String, String> sampleLabels = brace >= 0
          ? parseLabels(line.substring(brace + 1, line.lastIndexOf('}')))
          : Map.of();
      if (sampleLabels.entrySet().containsAll(labels.entrySet())) {
        sum += Double.parseDouble(line.substring(space + 1));
        found = true;
      }
    }
    if (!found) {
      throw new AssertionError("no sample " + name + labels + " in:\n" + exposition);
    }
    return sum;
  }

  /** Scrapes and reads one value. */
  public static double value(InetSocketAddress admin, String name, Map<String, String> labels) {
    return value(scrape(admin), name, labels);
  }

  public static Map<String, String> handshake(String direction, String result, String reason) {
    return Map.of("direction", direction, "result", result, "reason", reason);
  }

  private static Map<String, String> parseLabels(String text) {
    Map<String, String> labels = new HashMap<>();
    for (String pair : text.split(",(?=[a-zA-Z_]+=\")")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        labels.put(pair.substring(0, equals).trim(),
            pair.substring(equals + 2, pair.length() - 1));
      }
    }
    return labels;
  }
}
