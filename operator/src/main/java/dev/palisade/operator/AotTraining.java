package dev.palisade.operator;

import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.common.pki.CsrVerifier;
import dev.palisade.common.pki.Csrs;
import dev.palisade.common.pki.Issuer;
import dev.palisade.common.pki.KeyType;
import dev.palisade.common.pki.Pem;
import dev.palisade.common.pki.X509Profiles;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.operator.http.HttpServer;
import dev.palisade.operator.http.RequestHandler;
import dev.palisade.operator.http.Response;
import dev.palisade.operator.injection.PodInjectionWebhook;
import dev.palisade.operator.injection.WarmUpReviews;
import dev.palisade.operator.injection.PodInjector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The training run that records the operator image's AOT cache ({@code palisade-operator
 * aot-training}, operator/Dockerfile): what every start goes through, without a cluster. The
 * settings, the CA's keys and X.509 profiles, a CSR verified and signed, the API model and a pod
 * through JSON, a pod through the injector, and an HTTP round trip through the operator's Netty
 * server with the JDK's HTTP client (fabric8's transport). The JVM writes the cache as it exits.
 */
final class AotTraining {

  private static final String TRUST_DOMAIN = "aot-training.local";

  /** Enough for the JIT to see the webhook's path as hot. */
  private static final int ADMISSION_REVIEWS = 500;

  private AotTraining() {}

  static void run() throws Exception {
    OperatorConfig config = OperatorConfig.fromEnvironment(Map.of());
    Instant now = Instant.now();
    Issuer issuer = Issuer.newRoot(KeyType.ECDSA_P256, TRUST_DOMAIN, now, Duration.ofHours(2))
        .newIntermediate(KeyType.ECDSA_P256, TRUST_DOMAIN, now, Duration.ofHours(1));
    var key = CsrVerifier.verify(Csrs.create(KeyType.ECDSA_P256.generate()));
    var leaf = X509Profiles.workload(key, new WorkloadIdentity(TRUST_DOMAIN, "demo", "app"),
        issuer, now, Duration.ofMinutes(10));
    Pem.parseCertificates(Pem.certificates(List.of(leaf, issuer.certificate())));

    Pod pod = WarmUpReviews.pod();
    Serialization.unmarshal(Serialization.asJson(pod), Pod.class);
    Serialization.unmarshal(Serialization.asJson(new TrustDomain()), TrustDomain.class);
    new PodInjector(config.injection()).decide(pod, Map.of("palisade.dev/inject", "enabled"));

    // Admission reviews as the API server sends them, many: the first burst of pod creations
    // after a start otherwise meets the webhook's JSON path (review, copy, patch diff) cold, and
    // its p99 went over 50 ms (docs/benchmarks.md, "Scale").
    try (PodInjectionWebhook webhook = PodInjectionWebhook.offline(config.injection(),
            new SimpleMeterRegistry());
        HttpServer server = HttpServer.plain("aot-training")
            .route("GET", "/healthz", RequestHandler.of(request -> Response.json(200,
                Map.of("status", "ok"))))
            .route("POST", PodInjectionWebhook.ENABLED_PATH, webhook)
            .bind(new InetSocketAddress("127.0.0.1", 0));
        HttpClient client = HttpClient.newHttpClient()) {
      URI base = URI.create("http://127.0.0.1:" + server.port());
      expect(200, client.send(HttpRequest.newBuilder(base.resolve("/healthz")).build(),
          HttpResponse.BodyHandlers.ofString()));
      for (int i = 0; i < ADMISSION_REVIEWS; i++) {
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
                base.resolve(PodInjectionWebhook.ENABLED_PATH))
            .POST(HttpRequest.BodyPublishers.ofString(WarmUpReviews.review(i)))
            .header("Content-Type", "application/json").build(),
            HttpResponse.BodyHandlers.ofString());
        expect(200, answer);
        if (!answer.body().contains("\"patch\"")) {
          throw new IllegalStateException("training review got no patch: " + answer.body());
        }
      }
    }
  }

  private static void expect(int status, HttpResponse<String> answer) {
    if (answer.statusCode() != status) {
      throw new IllegalStateException("training request answered " + answer.statusCode());
    }
  }
}
