package dev.palisade.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.common.pki.Csrs;
import dev.palisade.common.pki.KeyType;
import dev.palisade.common.pki.Pem;
import dev.palisade.operator.http.Json;
import dev.palisade.testing.CommandLine;
import dev.palisade.testing.Openssl;
import dev.palisade.testing.OperatorStack;
import dev.palisade.testing.OperatorServiceAccount;
import dev.palisade.testing.PrometheusText;
import dev.palisade.testing.TrustingRoot;
import dev.palisade.testing.Workloads;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator as Main assembles it (reconcilers + servers), as the chart's ServiceAccount, on a
 * real API server: a TrustDomain becomes a CA that signs a pod's CSR over HTTPS, verified with
 * openssl against the published trust bundle.
 */
class OperatorIT {

  private static final String TRUST_DOMAIN = "operator.it";
  private static OperatorStack stack;
  private static KubernetesClient admin;
  private static OperatorServers servers;
  private static Workloads workloads;

  @BeforeAll
  static void start() {
    stack = new OperatorStack(TRUST_DOMAIN, "operator-it");
    admin = stack.admin;
    servers = stack.servers;
    workloads = stack.workloads;
  }

  @AfterAll
  static void stop() throws Exception {
    stack.close();
  }

  @Test
  void aPodObtainsItsIdentityFromTheCaTheTrustDomainCreated() throws Exception {
    await("ready").atMost(Duration.ofSeconds(60)).until(() -> get("/readyz").statusCode() == 200);
    workloads.serviceAccount("checkout");
    var pod = workloads.pod("checkout-0", "checkout");
    String token = workloads.token(pod, "palisade");
    X509Certificate root = await("our root published").atMost(Duration.ofSeconds(60))
        .until(() -> stack.bundle().stream()
            .filter(c -> c.getSubjectX500Principal().getName().contains("O=" + TRUST_DOMAIN))
            .findFirst(), java.util.Optional::isPresent).orElseThrow();

    HttpResponse<String> response;
    try (HttpClient https = HttpClient.newBuilder().sslContext(TrustingRoot.sslContext(root))
        .connectTimeout(Duration.ofSeconds(10)).build()) {
      response = https.send(HttpRequest.newBuilder(
              URI.create("https://localhost:" + servers.httpsPort() + "/v1/certificates"))
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(
              Map.of("csr", Csrs.create(KeyType.ECDSA_P256.generate())))))
          .build(), HttpResponse.BodyHandlers.ofString());
    }
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    try (HttpClient https = HttpClient.newBuilder().sslContext(TrustingRoot.sslContext(root))
        .connectTimeout(Duration.ofSeconds(10)).build()) {
      HttpResponse<String> config = https.send(HttpRequest.newBuilder(URI.create(
          "https://localhost:" + servers.httpsPort() + "/v1/config?pod=checkout-0")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(config.statusCode()).as("/v1/config is served, and wants a client certificate")
          .isEqualTo(401);
    }
    JsonNode json = Json.MAPPER.readTree(response.body());
    assertThat(json.get("spiffeId").asText())
        .isEqualTo("spiffe://operator.it/ns/operator-it/sa/checkout");

    List<X509Certificate> chain = Pem.parseCertificates(json.get("certificateChain").asText());
    Openssl openssl = new Openssl();
    openssl.file("leaf.pem", Pem.certificate(chain.getFirst()));
    openssl.file("chain.pem", Pem.certificates(chain.subList(1, chain.size())));
    openssl.file("bundle.pem", json.get("trustBundle").asText());
    CommandLine.Result verify = openssl.run("verify", "-x509_strict", "-CAfile",
        openssl.path("bundle.pem").toString(), "-untrusted", openssl.path("chain.pem").toString(),
        openssl.path("leaf.pem").toString());
    assertThat(verify.stdout()).as(verify.stderr()).contains("leaf.pem: OK");

    PrometheusText metrics = PrometheusText.scrape(
        URI.create("http://127.0.0.1:" + servers.adminPort() + "/metrics"));
    assertThat(metrics.value("palisade_ca_certificates_issued_total{kind=\"workload\",result=\"success\"}"))
        .isGreaterThanOrEqualTo(1);
    await("CA expiry published").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(PrometheusText.scrape(URI.create("http://127.0.0.1:" + servers.adminPort()
            + "/metrics")).value("palisade_ca_expiry_timestamp_seconds{role=\"root\"}"))
            .isEqualTo(root.getNotAfter().toInstant().getEpochSecond(), org.assertj.core.data.Offset.offset(1.0)));
  }

  /**
   * The webhook has a listener, event loop and workers of its own (before, /mutate-pods shared
   * the HTTPS server with signing and config): a flood of forged AdmissionReviews, which anyone in
   * the cluster can send, leaves signing answering, and the signing port has no webhook.
   */
  @Test
  void aFloodOfAdmissionReviewsOnTheWebhookListenerLeavesSigningAnswering() throws Exception {
    await("ready").atMost(Duration.ofSeconds(60)).until(() -> get("/readyz").statusCode() == 200);
    workloads.serviceAccount("ledger");
    var pod = workloads.pod("ledger-0", "ledger");
    String token = workloads.token(pod, "palisade");
    X509Certificate root = await("our root published").atMost(Duration.ofSeconds(60))
        .until(() -> stack.bundle().stream()
            .filter(c -> c.getSubjectX500Principal().getName().contains("O=" + TRUST_DOMAIN))
            .findFirst(), java.util.Optional::isPresent).orElseThrow();
    String padding = "x".repeat(60_000); // near the body limit: parsing costs what it can
    String forged = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
        + "\"request\":{\"uid\":\"forged\",\"operation\":\"CREATE\",\"namespace\":\"operator-it\","
        + "\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"object\":{\"metadata\":"
        + "{\"name\":\"forged\",\"annotations\":{\"pad\":\"" + padding + "\"}},\"spec\":"
        + "{\"containers\":[{\"name\":\"app\",\"image\":\"app\"}]}}}}";

    try (HttpClient https = HttpClient.newBuilder().sslContext(TrustingRoot.sslContext(root))
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build()) {
      HttpResponse<String> onSigningPort = https.send(HttpRequest.newBuilder(URI.create(
              "https://localhost:" + servers.httpsPort() + "/mutate-pods"))
          .POST(HttpRequest.BodyPublishers.ofString(forged)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(onSigningPort.statusCode()).as("no webhook on the signing port").isEqualTo(404);

      HttpRequest review = HttpRequest.newBuilder(URI.create(
              "https://localhost:" + servers.webhookPort() + "/mutate-pods"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(forged)).build();
      List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> flood =
          java.util.stream.IntStream.range(0, 500)
              .mapToObj(i -> https.sendAsync(review, HttpResponse.BodyHandlers.ofString()))
              .toList();
      HttpResponse<String> signed = https.send(HttpRequest.newBuilder(
              URI.create("https://localhost:" + servers.httpsPort() + "/v1/certificates"))
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(
              Map.of("csr", Csrs.create(KeyType.ECDSA_P256.generate())))))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
      assertThat(flood.stream().map(java.util.concurrent.CompletableFuture::join)
          .map(HttpResponse::statusCode)).allMatch(status -> status == 200 || status == 429);
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + servers.adminPort() + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }
}
