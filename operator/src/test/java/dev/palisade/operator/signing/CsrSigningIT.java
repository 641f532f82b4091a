package dev.palisade.operator.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.common.pki.Csrs;
import dev.palisade.common.pki.KeyPairs;
import dev.palisade.common.pki.KeyType;
import dev.palisade.common.pki.Pem;
import dev.palisade.operator.http.HttpServer;
import dev.palisade.operator.http.Json;
import dev.palisade.operator.metrics.CaMetrics;
import dev.palisade.api.v1alpha1.IdentitySuspension;
import dev.palisade.api.v1alpha1.IdentitySuspensionSpec;
import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.testing.CommandLine;
import dev.palisade.testing.ControlPlane;
import dev.palisade.testing.InProcessCa;
import dev.palisade.testing.OperatorServiceAccount;
import dev.palisade.testing.PalisadeApi;
import dev.palisade.testing.PrometheusText;
import dev.palisade.testing.RepoFiles;
import dev.palisade.testing.TrustingRoot;
import dev.palisade.testing.Workloads;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/certificates} over real HTTPS, with real projected tokens from a real
 * kube-apiserver, reviewed and checked through the chart's RBAC (the operator's ServiceAccount).
 */
class CsrSigningIT {

  private static final String TRUST_DOMAIN = "cluster.local";
  private static final String NAMESPACE = "csr-signing-it";

  private static KubernetesClient admin;
  private static KubernetesClient operator;
  private static Workloads workloads;
  private static SigningStack stack;
  private static Pod cart;
  private static String cartToken;

  @BeforeAll
  static void start() {
    ControlPlane controlPlane = ControlPlane.get();
    admin = controlPlane.adminClient();
    PalisadeApi.install(admin); // the CA reads IdentitySuspensions
    operator = OperatorServiceAccount.client(controlPlane);
    workloads = new Workloads(controlPlane, admin, NAMESPACE);
    workloads.serviceAccount("cart");
    workloads.serviceAccount("billing");
    cart = workloads.pod("cart-0", "cart");
    cartToken = workloads.token(cart, "palisade");
    stack = new SigningStack(operator, InProcessCa.create(TRUST_DOMAIN, Duration.ofHours(24)), 2,
        8);
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
    workloads.releaseAll();
    operator.close();
    admin.close();
  }

  @Test
  void signsTheTokensIdentityWhateverTheCsrAsksFor(@TempDir Path dir) throws Exception {
    KeyPair keys = KeyType.ECDSA_P256.generate();
    String greedy = TestCsrs.asking(keys, "spiffe://cluster.local/ns/kube-system/sa/admin");
    double signingsBefore = stack.scrape().value("palisade_ca_signing_duration_seconds_count");

    HttpResponse<String> response = countedAs("success",
        () -> stack.post(cartToken, SigningStack.body(greedy)));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode json = Json.MAPPER.readTree(response.body());
    String identity = "spiffe://cluster.local/ns/" + NAMESPACE + "/sa/cart";
    assertThat(json.get("spiffeId").asText()).isEqualTo(identity);
    List<X509Certificate> chain = Pem.parseCertificates(json.get("certificateChain").asText());
    List<X509Certificate> bundle = Pem.parseCertificates(json.get("trustBundle").asText());
    X509Certificate leaf = chain.getFirst();

    assertThat(leaf.getSubjectAlternativeNames()).as("exactly the token's identity")
        .containsExactly(List.of(6, identity));
    assertThat(leaf.getSubjectX500Principal().getName()).isEmpty();
    assertThat(leaf.getPublicKey()).isEqualTo(keys.getPublic());
    assertThat(json.get("notAfter").asText())
        .isEqualTo(leaf.getNotAfter().toInstant().toString())
        .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
    assertThat(chain).containsExactly(leaf, stack.ca.issuerCertificate());
    assertThat(bundle).containsExactly(stack.ca.rootCertificate());
    assertVerifiesWithPkix(chain, bundle);
    assertVerifiesWithOpenssl(chain, bundle, dir);
    assertThat(stack.scrape().value("palisade_ca_signing_duration_seconds_count"))
        .isEqualTo(signingsBefore + 1);
  }

  @Test
  void refusesASuspendedIdentityUntilTheSuspensionIsDeleted() {
    IdentitySuspension suspension = new IdentitySuspension();
    suspension.getMetadata().setName("cart-suspended");
    suspension.setSpec(new IdentitySuspensionSpec());
    suspension.getSpec().spiffeId = "spiffe://" + TRUST_DOMAIN + "/ns/" + NAMESPACE + "/sa/cart";
    admin.resource(suspension).create();
    try {
      await("the CA has seen the suspension").atMost(Duration.ofSeconds(10))
          .until(() -> stack.revocations.suspendedBy(SpiffeId.parse(suspension.getSpec().spiffeId))
              .isPresent());

      HttpResponse<String> response = countedAs("identity_suspended",
          () -> stack.post(cartToken, SigningStack.body(csr())));

      assertRefused(response, 403, "identity_suspended");
      assertThat(message(response)).contains("cart-suspended").contains("deleting");
      assertThat(response.headers().firstValue("Retry-After")).isEmpty();
    } finally {
      admin.resource(suspension).delete();
    }
    await("lifted").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(stack.post(cartToken, SigningStack.body(csr())).statusCode()).isEqualTo(200));
  }

  @Test
  void refusesARequestWithoutAToken() {
    HttpResponse<String> response = countedAs("missing_token",
        () -> stack.post(null, SigningStack.body(csr())));

    assertRefused(response, 401, "missing_token");
    assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"palisade\"");
  }

  @Test
  void refusesATokenTheApiServerDoesNotKnow() {
    HttpResponse<String> response = countedAs("invalid_token",
        () -> stack.post("not.a.jwt", SigningStack.body(csr())));

    assertRefused(response, 401, "invalid_token");
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer realm=\"palisade\", error=\"invalid_token\"");
  }

  @Test
  void refusesATokenForAnotherAudience() {
    // The token's own aud claim says so: refused before any TokenReview (SigningGuard).
    String kubernetesToken = workloads.token(cart, "https://kubernetes.default.svc");
    int reviews = stack.tokenReviews.get();

    HttpResponse<String> response = countedAs("wrong_audience",
        () -> stack.post(kubernetesToken, SigningStack.body(csr())));

    assertRefused(response, 401, "wrong_audience");
    assertThat(stack.tokenReviews.get()).as("no TokenReview").isEqualTo(reviews);
    assertThat(message(response)).contains("audience");
  }

  @Test
  void refusesAnExpiredToken() {
    String expired = workloads.expiredCopy(cartToken);

    HttpResponse<String> response = countedAs("invalid_token",
        () -> stack.post(expired, SigningStack.body(csr())));

    assertRefused(response, 401, "invalid_token");
    assertThat(message(response)).contains("expired");
  }

  @Test
  void refusesATokenNotBoundToAPod() {
    String unbound = workloads.unboundToken("cart", "palisade");

    HttpResponse<String> response = countedAs("not_pod_bound",
        () -> stack.post(unbound, SigningStack.body(csr())));

    assertRefused(response, 403, "not_pod_bound");
    assertThat(message(response)).contains("system:serviceaccount:" + NAMESPACE + ":cart");
  }

  @Test
  void refusesATokenOfADeletedPod() {
    Pod gone = workloads.pod("cart-deleted", "cart");
    String token = workloads.token(gone, "palisade");
    workloads.delete(gone);

    // The API server's token check may still see the pod in its cache (then our own read of
    // the pod refuses it) or not (then the review does).
    assertRefusedEither(token, 401, "invalid_token", 403, "pod_not_found");
  }

  @Test
  void refusesATokenOfAPodReplacedUnderTheSameName() {
    Pod first = workloads.pod("cart-replaced", "cart");
    String token = workloads.token(first, "palisade");
    workloads.delete(first);
    workloads.pod("cart-replaced", "cart");

    assertRefusedEither(token, 401, "invalid_token", 403, "pod_uid_mismatch");
  }

  @Test
  void refusesATerminatingPod() {
    Pod pod = workloads.pod("cart-terminating", "cart");
    String token = workloads.token(pod, "palisade");
    Pod terminating = workloads.terminate(pod);
    assertThat(terminating.getMetadata().getDeletionTimestamp()).isNotNull();

    HttpResponse<String> response = countedAs("pod_terminating",
        () -> stack.post(token, SigningStack.body(csr())));

    assertRefused(response, 403, "pod_terminating");
    workloads.release(pod);
  }

  @Test
  void refusesAPodRunningAsAnotherServiceAccount() {
    // The API server never binds a token to a pod of another service account, so no real
    // token reaches this check: an authenticator that misreports the service account stands
    // in for a review gone wrong. The pod read and its check are real.
    Pod billing = workloads.pod("billing-0", "billing");
    String billingToken = workloads.token(billing, "palisade");
    TokenReviewAuthenticator reviews = new TokenReviewAuthenticator(operator);
    CallerAuthenticator misreporting = token -> {
      Caller real = reviews.authenticate(token);
      return new Caller(real.namespace(), "cart", real.podName(), real.podUid());
    };
    try (HttpServer server = HttpServer.https("signing-misreporting", stack.serving)
        .route("POST", CertificatesEndpoint.PATH, new CertificatesEndpoint(stack.ca,
            misreporting, new PodBindingCheck(operator), SuspendedIdentities.NONE, stack.workers,
            stack.metrics))
        .bind(SigningStack.loopback())) {

      HttpResponse<String> response = countedAs("service_account_mismatch",
          () -> stack.post(SigningStack.certificatesOn(server), billingToken,
              SigningStack.body(csr())));

      assertRefused(response, 403, "service_account_mismatch");
      assertThat(message(response)).contains("runs as service account billing, not cart");
    }
  }

  @Test
  void refusesABodyThatIsNotJson() {
    assertRefused(countedAs("malformed_request", () -> stack.post(cartToken, "csr=please")),
        400, "malformed_request");
  }

  @Test
  void refusesAMalformedCsr() {
    HttpResponse<String> response = countedAs("malformed",
        () -> stack.post(cartToken, SigningStack.body("-----BEGIN CERTIFICATE REQUEST-----\n"
            + "bm90IGEgQ1NS\n-----END CERTIFICATE REQUEST-----\n")));

    assertRefused(response, 400, "malformed");
  }

  @Test
  void refusesAWeakRsaKey() throws Exception {
    String weak = TestCsrs.rsa(1024);

    HttpResponse<String> response = countedAs("weak_key",
        () -> stack.post(cartToken, SigningStack.body(weak)));

    assertRefused(response, 400, "weak_key");
    assertThat(message(response)).contains("1024 bits");
  }

  @Test
  void refusesAKeyOnAnUnknownCurve() throws Exception {
    String k1 = TestCsrs.secp256k1();

    HttpResponse<String> response = countedAs("unsupported_key",
        () -> stack.post(cartToken, SigningStack.body(k1)));

    assertRefused(response, 400, "unsupported_key");
    assertThat(message(response)).contains("unsupported curve");
  }

  @Test
  void refusesAnOversizedBodyWithoutReadingIt() {
    String huge = SigningStack.body("x".repeat(100 * 1024));

    HttpResponse<String> response = countedAs("body_too_large",
        () -> stack.post(cartToken, huge));

    assertRefused(response, 413, "body_too_large");
  }

  @Test
  void answers503WithRetryAfterWhileTheCaIsUnavailable() {
    stack.ca.setAvailable(false);
    try {
      HttpResponse<String> response = countedAs("ca_unavailable",
          () -> stack.post(cartToken, SigningStack.body(csr())));

      assertRefused(response, 503, "ca_unavailable");
      assertThat(response.headers().firstValue("Retry-After")).contains("10");
    } finally {
      stack.ca.setAvailable(true);
    }
    assertThat(stack.post(cartToken, SigningStack.body(csr())).statusCode()).isEqualTo(200);
  }

  @Test
  void exportsTheCaMetricsUnderTheirContractNames() {
    stack.metrics.caExpiry(CaMetrics.Role.ROOT,
        stack.ca.rootCertificate().getNotAfter().toInstant());
    stack.metrics.caExpiry(CaMetrics.Role.ISSUER, Instant.ofEpochSecond(1_900_000_000L));
    stack.post(cartToken, SigningStack.body(csr()));

    PrometheusText metrics = stack.scrape();

    assertThat(metrics.lines()).contains(
        "# TYPE palisade_ca_certificates_issued_total counter",
        "# TYPE palisade_ca_signing_duration_seconds histogram",
        "# TYPE palisade_ca_expiry_timestamp_seconds gauge");
    assertThat(metrics.value("palisade_ca_certificates_issued_total{kind=\"server\",result=\"success\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(metrics.value("palisade_ca_certificates_issued_total{kind=\"workload\",result=\"success\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(metrics.value("palisade_ca_signing_duration_seconds_bucket{le=\"+Inf\"}"))
        .isEqualTo(metrics.value("palisade_ca_signing_duration_seconds_count"));
    assertThat(metrics.value("palisade_ca_expiry_timestamp_seconds{role=\"root\"}"))
        .isEqualTo(stack.ca.rootCertificate().getNotAfter().toInstant().getEpochSecond());
    assertThat(metrics.value("palisade_ca_expiry_timestamp_seconds{role=\"issuer\"}"))
        .isEqualTo(1.9e9);
    assertThat(metrics.lines()).filteredOn(l -> l.startsWith("palisade_ca_certificates_issued_total{"))
        .as("results come from the closed set only")
        .allMatch(l -> l.matches("palisade_ca_certificates_issued_total\\{kind=\"(workload|server)\","
            + "result=\"[a-z_]+\"} \\d+\\.\\d+"));
  }

  @Test
  void theAdminPortAnswersProbes() throws Exception {
    HttpResponse<String> healthz;
    HttpResponse<String> readyz;
    try (HttpClient client = HttpClient.newHttpClient()) {
      healthz = client.send(HttpRequest.newBuilder(stack.adminUri("/healthz")).build(),
          HttpResponse.BodyHandlers.ofString());
      readyz = client.send(HttpRequest.newBuilder(stack.adminUri("/readyz")).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    assertThat(healthz.statusCode()).isEqualTo(200);
    assertThat(readyz.statusCode()).as(readyz.body()).isEqualTo(200);
    assertThat(readyz.body()).isEqualTo("{\"status\":\"ready\"}");
  }

  @Test
  void theServingCertificateRotatesForNewConnections() throws Exception {
    X509Certificate before = servedLeaf();

    X509Certificate rotated = stack.serving.rotate();

    X509Certificate after = servedLeaf();
    assertThat(after.getSerialNumber()).isEqualTo(rotated.getSerialNumber())
        .isNotEqualTo(before.getSerialNumber());
    assertThat(after.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
        List.of(6, "spiffe://cluster.local/ns/palisade-system/sa/palisade-operator"),
        List.of(2, "localhost"));
    assertThat(stack.post(cartToken, SigningStack.body(csr())).statusCode()).isEqualTo(200);
  }

  @Test
  void theCurlExampleInTheDocsWorksAsWritten(@TempDir Path dir) throws Exception {
    Path token = Files.writeString(dir.resolve("token"), cartToken);
    Path bundle = Files.writeString(dir.resolve("ca.crt"),
        Pem.certificate(stack.ca.rootCertificate()));
    String script = curlExample()
        .replaceFirst("(?m)^TOKEN_FILE=.*$", "TOKEN_FILE=" + token)
        .replaceFirst("(?m)^CA_FILE=.*$", "CA_FILE=" + bundle)
        .replaceFirst("(?m)^SERVER=.*$", "SERVER=https://localhost:" + stack.https.port());

    CommandLine.Result run = CommandLine.run(List.of("bash", "-euo", "pipefail", "-c",
        "cd " + dir + "\n" + script));

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout().strip()).isEqualTo("200");
    JsonNode json = Json.MAPPER.readTree(Files.readString(dir.resolve("response.json")));
    assertThat(json.get("spiffeId").asText())
        .isEqualTo("spiffe://cluster.local/ns/" + NAMESPACE + "/sa/cart");
    X509Certificate leaf = Pem.parseCertificates(json.get("certificateChain").asText()).getFirst();
    assertThat(KeyPairs.matches(leaf.getPublicKey(),
        Pem.parsePrivateKey(Files.readString(dir.resolve("key.pem"))))).isTrue();
  }

  // --- helpers ---

  /** The shell block after the marker in docs/signing.md's curl section. */
  private static String curlExample() throws IOException {
    String doc = Files.readString(RepoFiles.resolve("docs/signing.md"));
    int marker = doc.indexOf("<!-- CsrSigningIT runs this block");
    assertThat(marker).as("the marked curl example in docs/signing.md").isPositive();
    int start = doc.indexOf("```sh\n", marker) + "```sh\n".length();
    return doc.substring(start, doc.indexOf("```", start));
  }

  private static String csr() {
    return Csrs.create(KeyType.ECDSA_P256.generate());
  }

  /** Runs {@code request} and checks it moved the workload counter of {@code result} by one. */
  private static HttpResponse<String> countedAs(String result,
      Supplier<HttpResponse<String>> request) {
    double before = stack.issued(result);
    HttpResponse<String> response = request.get();
    assertThat(stack.issued(result)).as("issued_total{result=%s} after: %s", result,
        response.body()).isEqualTo(before + 1);
    return response;
  }

  private static void assertRefusedEither(String token, int status, String reason,
      int otherStatus, String otherReason) {
    double before = stack.issued(reason) + stack.issued(otherReason);
    HttpResponse<String> response = stack.post(token, SigningStack.body(csr()));
    String error = field(response, "error");
    if (error.equals(reason)) {
      assertRefused(response, status, reason);
    } else {
      assertRefused(response, otherStatus, otherReason);
    }
    assertThat(stack.issued(reason) + stack.issued(otherReason)).isEqualTo(before + 1);
  }

  private static void assertRefused(HttpResponse<String> response, int status, String reason) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(field(response, "error")).isEqualTo(reason);
    assertThat(message(response)).isNotBlank();
  }

  private static String message(HttpResponse<String> response) {
    return field(response, "message");
  }

  private static String field(HttpResponse<String> response, String name) {
    try {
      return Json.MAPPER.readTree(response.body()).path(name).asText();
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  private static void assertVerifiesWithPkix(List<X509Certificate> chain,
      List<X509Certificate> bundle) throws Exception {
    Set<TrustAnchor> anchors = new HashSet<>();
    bundle.forEach(root -> anchors.add(new TrustAnchor(root, null)));
    PKIXParameters parameters = new PKIXParameters(anchors);
    parameters.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(
        CertificateFactory.getInstance("X.509").generateCertPath(chain), parameters);
  }

  private static void assertVerifiesWithOpenssl(List<X509Certificate> chain,
      List<X509Certificate> bundle, Path dir) throws IOException {
    Path leaf = Files.writeString(dir.resolve("leaf.pem"), Pem.certificate(chain.getFirst()));
    Path intermediates = Files.writeString(dir.resolve("intermediates.pem"),
        Pem.certificates(chain.subList(1, chain.size())));
    Path roots = Files.writeString(dir.resolve("bundle.pem"), Pem.certificates(bundle));
    CommandLine.Result verify = CommandLine.run(List.of("openssl", "verify", "-x509_strict",
        "-CAfile", roots.toString(), "-untrusted", intermediates.toString(), leaf.toString()));
    assertThat(verify.exitCode()).as(verify.stdout() + verify.stderr()).isZero();
    assertThat(verify.stdout().strip()).isEqualTo(leaf + ": OK");
  }

  /** The leaf a fresh TLS connection to the signing server is given. */
  private static X509Certificate servedLeaf() throws Exception {
    try (SSLSocket socket = (SSLSocket) TrustingRoot.sslContext(stack.ca.rootCertificate())
        .getSocketFactory().createSocket("localhost", stack.https.port())) {
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }
}
