package dev.palisade.cli;

import dev.palisade.common.json.JsonDocuments;
import dev.palisade.common.sidecar.ProxyIdentity;
import dev.palisade.common.sidecar.SidecarContract;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A proxy's admin port (15020), and the operator's (9090), reached through the API server's pod
 * proxy subresource ({@code /api/v1/namespaces/NS/pods/NAME:PORT/proxy/PATH}), so the CLI needs
 * no network path to the pods, only RBAC for {@code pods/proxy}.
 */
final class ProxyAdmin {

  static final int ADMIN_PORT = SidecarContract.ADMIN_PORT;
  static final String EXPIRY_METRIC = "palisade_certificate_expiry_timestamp_seconds";

  private static final Pattern EXPIRY = Pattern.compile(
      "^" + EXPIRY_METRIC + "(?:\\{[^}]*})? (\\S+)", Pattern.MULTILINE);

  private ProxyAdmin() {}

  /** An HTTP answer through the pod proxy. */
  record Answer(int code, String body) {}

  /** The body of {@code path} on the pod's admin port; throws with the reason if unreachable. */
  static String get(KubernetesClient client, Pod pod, String path, Duration timeout) {
    Answer answer = fetch(client, pod, ADMIN_PORT, path, timeout);
    if (answer.code() != 200) {
      throw new IllegalStateException("the API server's pod proxy answered " + answer.code());
    }
    return answer.body();
  }

  /**
   * What the proxy's {@code GET /identity} says; empty when it has no certificate yet (503).
   * A proxy from before that endpoint answers 404: {@link UnsupportedOperationException}.
   */
  static Optional<ProxyIdentity> identity(KubernetesClient client, Pod pod, Duration timeout) {
    Answer answer = fetch(client, pod, ADMIN_PORT, ProxyIdentity.PATH, timeout);
    if (answer.code() == 200) {
      return Optional.of(JsonDocuments.lenient().read(answer.body(), ProxyIdentity.class));
    }
    // the API server's own 503s (pod unreachable) say something else
    if (answer.code() == 503 && answer.body().startsWith(ProxyIdentity.NO_CERTIFICATE)) {
      return Optional.empty();
    }
    if (answer.code() == 404) {
      throw new UnsupportedOperationException("the proxy has no " + ProxyIdentity.PATH);
    }
    throw new IllegalStateException("the API server's pod proxy answered " + answer.code()
        + " for " + ProxyIdentity.PATH);
  }

  /**
   * Any answer of {@code pathAndQuery} on {@code port} of {@code pod}; throws with the reason
   * if the pod cannot be reached.
   */
  static Answer fetch(KubernetesClient client, Pod pod, int port, String pathAndQuery,
      Duration timeout) {
    String url = client.getMasterUrl().toString().replaceFirst("/$", "") + "/api/v1/namespaces/"
        + pod.getMetadata().getNamespace() + "/pods/" + pod.getMetadata().getName() + ":"
        + port + "/proxy" + pathAndQuery;
    try {
      var http = client.getHttpClient();
      var request = http.newHttpRequestBuilder().uri(URI.create(url)).timeout(
          timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).build();
      var response = http.sendAsync(request, String.class).get(timeout.toMillis() + 1000,
          java.util.concurrent.TimeUnit.MILLISECONDS);
      return new Answer(response.code(), response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("unreachable through the API server's pod proxy: "
          + (e.getCause() != null ? e.getCause().getMessage() : e.toString()), e);
    }
  }

  private static final Pattern HANDSHAKES_BY_GROUP = Pattern.compile(
      "^palisade_tls_handshake_duration_seconds_count\\{[^}]*group=\"([^\"]*)\"[^}]*} (\\S+)",
      Pattern.MULTILINE);

  /**
   * Completed handshakes that did not negotiate the post-quantum group, from a {@code /metrics}
   * scrape (each direction's {@code _count} by {@code group}).
   */
  static long classicalHandshakes(String metrics) {
    Matcher m = HANDSHAKES_BY_GROUP.matcher(metrics);
    long classical = 0;
    while (m.find()) {
      if (!SidecarContract.POST_QUANTUM_GROUP.equals(m.group(1))) {
        classical += (long) Double.parseDouble(m.group(2));
      }
    }
    return classical;
  }


  /** The served certificate's notAfter from a {@code /metrics} scrape; empty before the first. */
  static Optional<Instant> certificateExpiry(String metrics) {
    Matcher m = EXPIRY.matcher(metrics);
    if (!m.find()) {
      return Optional.empty();
    }
    double seconds;
    try {
      seconds = Double.parseDouble(m.group(1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    return Double.isNaN(seconds) || seconds <= 0 ? Optional.empty()
        : Optional.of(Instant.ofEpochMilli((long) (seconds * 1000)));
  }

  /**
   * Whether a certificate expiring at {@code notAfter} is past the point its proxy should have
   * renewed it: {@code renewBefore} ahead of expiry when the trust domain sets one, else the
   * latest point of the proxy's jittered half-life (60% of the lifetime, so 40% left).
   */
  static boolean pastRenewal(Instant notAfter, Duration lifetime, Duration renewBefore,
      Instant now) {
    Duration margin = renewBefore != null ? renewBefore
        : Duration.ofMillis((long) (lifetime.toMillis() * 0.4));
    return now.isAfter(notAfter.minus(margin));
  }
}
