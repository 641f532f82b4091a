package dev.palisade.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** Metrics as Prometheus sees them: the text a GET of /metrics returns, series by series. */
public record PrometheusText(String text) {

  public static PrometheusText scrape(URI metrics) {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(metrics).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("GET " + metrics).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
          type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
      return new PrometheusText(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public List<String> lines() {
    return text.lines().toList();
  }

  /** The value of one series, e.g. {@code name{label="value"}}; fails if it is not exported. */
  public double value(String series) {
    String prefix = series + " ";
    return lines().stream()
        .filter(line -> line.startsWith(prefix))
        .map(line -> Double.parseDouble(line.substring(prefix.length()).split(" ")[0]))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no series " + series + " in:\n" + text));
  }
}
