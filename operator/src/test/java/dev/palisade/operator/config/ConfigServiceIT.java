package dev.palisade.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.api.v1alpha1.AccessPolicySpec;
import dev.palisade.api.v1alpha1.WorkloadSelector;
import dev.palisade.common.config.ConfigDocument;
import dev.palisade.common.config.DestinationDocument;
import dev.palisade.common.pki.Csrs;
import dev.palisade.common.pki.KeyType;
import dev.palisade.common.pki.Pem;
import dev.palisade.common.policy.PolicyAction;
import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.operator.ca.SignedCertificate;
import dev.palisade.operator.http.BoundedWorkers;
import dev.palisade.operator.http.HttpServer;
import dev.palisade.operator.http.Json;
import dev.palisade.operator.metrics.CaMetrics;
import dev.palisade.api.v1alpha1.CertificateRevocation;
import dev.palisade.api.v1alpha1.CertificateRevocationSpec;
import dev.palisade.operator.signing.CertificatesEndpoint;
import java.math.BigInteger;
import dev.palisade.operator.signing.ServingCertificate;
import dev.palisade.operator.signing.SuspendedIdentities;
import dev.palisade.testing.CommandLine;
import dev.palisade.testing.ControlPlane;
import dev.palisade.testing.InProcessCa;
import dev.palisade.testing.OperatorServiceAccount;
import dev.palisade.testing.PalisadeApi;
import dev.palisade.testing.RepoFiles;
import dev.palisade.testing.TrustingRoot;
import dev.palisade.testing.WorkloadTls;
import dev.palisade.testing.Workloads;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/config} and {@code /v1/destinations} over real mTLS, fed by informers on a real
 * kube-apiserver through the chart's RBAC: a policy change reaches a held long-poll within the
 * SLO, a workload reads only its own configuration, and callers without a certificate of the
 * mesh's CA are refused.
 */
class ConfigServiceIT {

  private static final String TRUST_DOMAIN = "config.it";
  private static final String NS = "config-service-it";
  private static final Duration POLL_TIMEOUT = Duration.ofSeconds(4);
  private static final Duration SLO = Duration.ofSeconds(2);
  private static final int PER_IDENTITY = 3;
  private static final Map<String, String> INJECTED = Map.of("palisade.dev/proxy", "injected");

  private static KubernetesClient admin;
  private static KubernetesClient operator;
  private static Workloads workloads;
  private static InProcessCa ca;
  private static PrometheusMeterRegistry registry;
  private static ServingCertificate serving;
  private static BoundedWorkers signingWorkers;
  private static ConfigService configService;
  private static HttpServer https;
  private static Pod web;
  private static Pod db;
  private static HttpClient webClient;
  private static HttpClient dbClient;

  @BeforeAll
  static void start() {
    ControlPlane controlPlane = ControlPlane.get();
    admin = controlPlane.adminClient();
    PalisadeApi.install(admin);
    operator = OperatorServiceAccount.client(controlPlane);
    workloads = new Workloads(controlPlane, admin, NS);
    workloads.serviceAccount("web");
    workloads.serviceAccount("db");
    web = workloads.pod("web-0", "web", labels("app", "web"));
    db = workloads.pod("db-0", "db", labels("app", "db"));

    ca = InProcessCa.create(TRUST_DOMAIN, Duration.ofHours(24));
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CaMetrics caMetrics = new CaMetrics(registry);
    serving = new ServingCertificate(ca, OperatorServiceAccount.NAMESPACE,
        OperatorServiceAccount.NAME, List.of("localhost"), caMetrics, Clock.systemUTC()).start();
    await("serving certificate").atMost(Duration.ofSeconds(30)).until(serving::isReady);
    signingWorkers = new BoundedWorkers("signing", 2, 8);
    // Every test client calls from 127.0.0.1: the per-source cap is LongPollLimitsTest's.
    configService = new ConfigService(operator, ca, OperatorServiceAccount.NAMESPACE, registry,
        POLL_TIMEOUT, new LongPollLimits(1000, PER_IDENTITY, 1000));
    https = configService.routes(HttpServer.https("config-it", serving).eventLoopThreads(2)
            .route("POST", CertificatesEndpoint.PATH,
                CertificatesEndpoint.forCluster(operator, ca, SuspendedIdentities.NONE,
                    signingWorkers, caMetrics)))
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    await("config service synced").atMost(Duration.ofSeconds(60)).until(configService::isReady);
    webClient = client(ca, workloadIdentity("web"));
    dbClient = client(ca, workloadIdentity("db"));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {webClient, dbClient}) {
      try {
        closeable.close();
      } catch (Exception e) {
        // closing test clients
      }
    }
    https.close();
    configService.close();
    signingWorkers.close();
    serving.close();
    workloads.releaseAll();
    operator.close();
    admin.close();
  }

  @Test
  void aChangedAccessPolicyReachesAHeldLongPollWithinTwoSeconds() throws Exception {
    ConfigDocument before = config(webClient, "web-0", null);
    assertThat(before.spiffeId()).isEqualTo("spiffe://config.it/ns/" + NS + "/sa/web");
    assertThat(before.inbound().rules()).isEmpty();
    HeldPoll held = HeldPoll.of(before.version());

    long written = System.nanoTime();
    admin.resource(allowFrom("allow-frontend", "web", "frontend")).create();
    HttpResponse<String> response = held.response();
    Duration latency = held.answeredSince(written);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    ConfigDocument after = Json.MAPPER.readValue(response.body(), ConfigDocument.class);
    assertThat(after.version()).isNotEqualTo(before.version());
    assertThat(response.headers().firstValue("ETag")).contains("\"" + after.version() + "\"");
    assertThat(after.inbound().rules()).singleElement().satisfies(rule -> {
      assertThat(rule.policy()).isEqualTo(NS + "/allow-frontend");
      assertThat(rule.action()).isEqualTo(PolicyAction.ALLOW);
      assertThat(rule.matches().getFirst().serviceAccounts()).containsExactly(NS + "/frontend");
    });
    // What the sidecar enforces: only the frontend may connect now.
    var inbound = after.toSidecarConfig().inbound();
    assertThat(inbound.authorize(Optional.of(SpiffeId.parse(
        "spiffe://config.it/ns/" + NS + "/sa/frontend")), 8080).allowed()).isTrue();
    assertThat(inbound.authorize(Optional.of(SpiffeId.parse(
        "spiffe://config.it/ns/" + NS + "/sa/db")), 8080).allowed()).isFalse();
    assertThat(latency).as("from the API write to the long-poll's answer").isLessThan(SLO);
    System.out.printf("policy change to long-poll answer: %d ms%n", latency.toMillis());

    // db's configuration did not change: the same version is still current.
    assertThat(config(dbClient, "db-0", null).inbound().rules()).isEmpty();
  }

  @Test
  void aRevocationReachesAHeldLongPollWithinTwoSecondsAndItsDeletionLiftsIt() throws Exception {
    ConfigDocument before = config(webClient, "web-0", null);
    assertThat(before.revocations()).isNull();
    HeldPoll held = HeldPoll.of(before.version());
    CertificateRevocation revocation = new CertificateRevocation();
    revocation.getMetadata().setName("config-it-leaked");
    revocation.setSpec(new CertificateRevocationSpec());
    revocation.getSpec().trustDomain = TRUST_DOMAIN;
    revocation.getSpec().serialNumber = "00:4F:2A";

    long written = System.nanoTime();
    admin.resource(revocation).create();
    try {
      HttpResponse<String> response = held.response();
      Duration latency = held.answeredSince(written);

      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      ConfigDocument after = Json.MAPPER.readValue(response.body(), ConfigDocument.class);
      assertThat(after.revocations().serials()).containsExactly("4f2a");
      assertThat(after.toSidecarConfig().revocations().revokes(new BigInteger("4f2a", 16)))
          .isTrue();
      assertThat(latency).as("from the API write to the long-poll's answer").isLessThan(SLO);
      System.out.printf("revocation to long-poll answer: %d ms%n", latency.toMillis());
    } finally {
      admin.resource(revocation).delete();
    }
    await("lifted").atMost(Duration.ofSeconds(10))
        .until(() -> config(webClient, "web-0", null).revocations() == null);
  }

  /** Before, one identity could hold every long-poll of the replica (up to the global cap). */
  @Test
  void manyLongPollsFromOneIdentityAreCappedWhileAnotherIdentityIsServed() throws Exception {
    String webVersion = config(webClient, "web-0", null).version();
    String dbVersion = config(dbClient, "db-0", null).version();
    int flood = 20;

    List<CompletableFuture<HttpResponse<String>>> webPolls = java.util.stream.IntStream
        .range(0, flood).mapToObj(i -> webClient.sendAsync(
            get("/v1/config?pod=web-0&version=" + webVersion), HttpResponse.BodyHandlers.ofString()))
        .toList();
    await("all but the identity's share refused at once").atMost(Duration.ofSeconds(10))
        .until(() -> webPolls.stream().filter(CompletableFuture::isDone).count()
            >= flood - PER_IDENTITY);
    assertThat(webPolls.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join))
        .allSatisfy(response -> {
          assertThat(response.statusCode()).isEqualTo(429);
          assertThat(error(response)).isEqualTo("too_many_polls");
          assertThat(response.headers().firstValue("Retry-After")).contains("5");
        });
    double heldBefore = heldLongPolls();

    CompletableFuture<HttpResponse<String>> dbPoll = dbClient.sendAsync(
        get("/v1/config?pod=db-0&version=" + dbVersion), HttpResponse.BodyHandlers.ofString());
    await("db's long-poll is held, not refused").atMost(Duration.ofSeconds(10))
        .until(() -> heldLongPolls() > heldBefore);
    assertThat(dbPoll).isNotDone();

    assertThat(dbPoll.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(304);
    for (CompletableFuture<HttpResponse<String>> poll : webPolls) {
      assertThat(poll.get(30, TimeUnit.SECONDS).statusCode()).isIn(304, 200, 429);
    }
  }

  @Test
  void aLongPollWithTheCurrentVersionEndsWith304WhenNothingChangesForIt() throws Exception {
    ConfigDocument current = config(dbClient, "db-0", null);
    long start = System.nanoTime();
    CompletableFuture<HttpResponse<String>> held = dbClient.sendAsync(
        get("/v1/config?pod=db-0&version=" + current.version()),
        HttpResponse.BodyHandlers.ofString());
    // A policy of another workload changes during the poll: not db's business.
    admin.resource(allowFrom("web-only-" + System.nanoTime() % 100000, "web", "db")).create();
    HttpResponse<String> response = held.get(30, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(304);
    assertThat(response.body()).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(POLL_TIMEOUT.minusMillis(200));
  }

  @Test
  void aSidecarThatHangsUpIsForgottenAtOnce() throws Exception {
    KeyPair keys = KeyType.ECDSA_P256.generate();
    SSLContext tls = WorkloadTls.clientContext(ca.rootCertificate(), keys.getPrivate(),
        sign(ca, keys, "db").chain());
    String version = config(dbClient, "db-0", null).version();
    double before = heldLongPolls();
    try (var socket = (javax.net.ssl.SSLSocket) tls.getSocketFactory()
        .createSocket("localhost", https.port())) {
      socket.getOutputStream().write(("GET /v1/config?pod=db-0&version=" + version
          + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      await("held").atMost(Duration.ofSeconds(10)).until(() -> heldLongPolls() > before);
    }
    await("forgotten when the connection closes, before its timeout")
        .atMost(POLL_TIMEOUT.minusSeconds(1)).until(() -> heldLongPolls() <= before);
  }

  @Test
  void aWorkloadCannotReadAnotherWorkloadsConfiguration() throws Exception {
    HttpResponse<String> response = webClient.send(get("/v1/config?pod=db-0"),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(error(response)).isEqualTo("service_account_mismatch");
    assertThat(dbClient.send(get("/v1/config?pod=web-0"), HttpResponse.BodyHandlers.ofString())
        .statusCode()).isEqualTo(403);
    HttpResponse<String> missing = webClient.send(get("/v1/config?pod=no-such-pod"),
        HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(403);
    assertThat(error(missing)).isEqualTo("pod_not_found");
    HttpResponse<String> noPod = webClient.send(get("/v1/config"),
        HttpResponse.BodyHandlers.ofString());
    assertThat(noPod.statusCode()).isEqualTo(400);
  }

  @Test
  void withoutAClientCertificateConfigIs401ButSigningStillWorks() throws Exception {
    try (HttpClient anonymous = HttpClient.newBuilder()
        .sslContext(TrustingRoot.sslContext(ca.rootCertificate()))
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build()) {
      HttpResponse<String> config = anonymous.send(get("/v1/config?pod=web-0"),
          HttpResponse.BodyHandlers.ofString());
      assertThat(config.statusCode()).isEqualTo(401);
      assertThat(error(config)).isEqualTo("no_client_certificate");
      HttpResponse<String> destinations = anonymous.send(
          get("/v1/destinations?ip=10.0.0.1&port=80"), HttpResponse.BodyHandlers.ofString());
      assertThat(destinations.statusCode()).isEqualTo(401);

      // A sidecar's first call, before it has any certificate.
      String token = workloads.token(web, "palisade");
      HttpResponse<String> signed = anonymous.send(HttpRequest.newBuilder(uri("/v1/certificates"))
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(
              Map.of("csr", Csrs.create(KeyType.ECDSA_P256.generate())))))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
    }
  }

  @Test
  void aCertificateFromAnotherCaIsRefusedDuringTheHandshake() throws Exception {
    InProcessCa impostor = InProcessCa.create(TRUST_DOMAIN, Duration.ofHours(1));
    KeyPair keys = KeyType.ECDSA_P256.generate();
    SignedCertificate forged = sign(impostor, keys, "web");
    SSLContext tls = WorkloadTls.clientContext(ca.rootCertificate(), keys.getPrivate(),
        forged.chain());
    // Under TLS 1.3 the client's handshake completes before the server has judged its
    // certificate; the refusal arrives as an alert on the first read. The client writes nothing,
    // so the alert cannot be lost to a reset caused by data the server never read.
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost",
        https.port())) {
      socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
      assertThatThrownBy(() -> {
        socket.startHandshake();
        socket.getInputStream().read();
      })
          .isInstanceOf(SSLException.class)
          .hasMessageContainingAll("Received fatal alert");
    }
  }

  @Test
  void destinationsAreLookedUpByPodAndServiceAddress() throws Exception {
    workloads.running(db, "198.18.6.12");
    Map<String, Object> meshed = Map.of("meshed", true,
        "identities", List.of("spiffe://config.it/ns/" + NS + "/sa/db"));
    await("the pod's IP is indexed").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(destination("198.18.6.12", 5432).meshed()).isTrue());
    DestinationDocument byPod = destination("198.18.6.12", 5432);
    assertThat(byPod.identities()).isEqualTo(meshed.get("identities"));
    assertThat(byPod.maxAgeSeconds()).isEqualTo(DestinationResolver.MESHED_MAX_AGE_SECONDS);

    var service = admin.services().inNamespace(NS).resource(new ServiceBuilder()
        .withNewMetadata().withName("db").endMetadata()
        .withNewSpec().withSelector(Map.of("app", "db"))
        .addNewPort().withPort(5432).withNewTargetPort(5432).endPort()
        .endSpec().build()).create();
    String clusterIp = service.getSpec().getClusterIP();
    await("the Service is indexed").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(destination(clusterIp, 5432).meshed()).isTrue());
    assertThat(destination(clusterIp, 5432).identities()).isEqualTo(meshed.get("identities"));
    assertThat(destination(clusterIp, 80).reason()).isEqualTo("unknown_port");
    assertThat(destination("198.18.255.1", 443).reason()).isEqualTo("unknown_address");

    HttpResponse<String> bad = webClient.send(get("/v1/destinations?ip=not-an-ip&port=1"),
        HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);
  }

  @Test
  void theCurlExampleInTheDocsWorksAsWritten(@TempDir Path dir) throws Exception {
    KeyPair keys = KeyType.ECDSA_P256.generate();
    Path cert = Files.writeString(dir.resolve("tls.crt"),
        Pem.certificates(sign(ca, keys, "web").chain()));
    Path key = Files.writeString(dir.resolve("tls.key"), Pem.privateKey(keys.getPrivate()));
    Path bundle = Files.writeString(dir.resolve("ca.crt"), Pem.certificate(ca.rootCertificate()));
    String doc = Files.readString(RepoFiles.resolve("docs/config-service.md"));
    int marker = doc.indexOf("<!-- ConfigServiceIT runs this block");
    assertThat(marker).as("the marked curl example in docs/config-service.md").isPositive();
    int start = doc.indexOf("```sh\n", marker) + "```sh\n".length();
    String script = doc.substring(start, doc.indexOf("```", start))
        .replaceFirst("(?m)^CERT_FILE=.*$", "CERT_FILE=" + cert)
        .replaceFirst("(?m)^KEY_FILE=.*$", "KEY_FILE=" + key)
        .replaceFirst("(?m)^CA_FILE=.*$", "CA_FILE=" + bundle)
        .replaceFirst("(?m)^SERVER=.*$", "SERVER=https://localhost:" + https.port())
        .replaceFirst("(?m)^POD=.*$", "POD=web-0");

    CommandLine.Result run = CommandLine.run(List.of("bash", "-euo", "pipefail", "-c",
        "cd " + dir + "\n" + script));

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout().strip().lines().toList()).containsExactly("200", "304");
    ConfigDocument document = Json.MAPPER.readValue(Files.readString(dir.resolve("config.json")),
        ConfigDocument.class);
    assertThat(document.spiffeId()).isEqualTo("spiffe://config.it/ns/" + NS + "/sa/web");
  }

  private static DestinationDocument destination(String ip, int port) throws Exception {
    HttpResponse<String> response = webClient.send(
        get("/v1/destinations?ip=" + ip + "&port=" + port), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Cache-Control")).isPresent();
    return Json.MAPPER.readValue(response.body(), DestinationDocument.class);
  }

  private static ConfigDocument config(HttpClient client, String pod, String version)
      throws Exception {
    HttpResponse<String> response = client.send(get("/v1/config?pod=" + pod
        + (version == null ? "" : "&version=" + version)), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    ConfigDocument document = Json.MAPPER.readValue(response.body(), ConfigDocument.class);
    assertThat(document.trustBundle()).contains("BEGIN CERTIFICATE");
    return document;
  }

  /** web-0's long-poll with {@code version}, held by the server, and when it was answered. */
  private record HeldPoll(CompletableFuture<HttpResponse<String>> held,
      CompletableFuture<Long> answeredAt) {

    static HeldPoll of(String version) {
      double heldBefore = heldLongPolls();
      CompletableFuture<Long> answeredAt = new CompletableFuture<>();
      CompletableFuture<HttpResponse<String>> held = webClient.sendAsync(
          get("/v1/config?pod=web-0&version=" + version),
          HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) ->
              answeredAt.complete(System.nanoTime()));
      await("the long-poll is held").atMost(Duration.ofSeconds(10))
          .until(() -> heldLongPolls() > heldBefore);
      return new HeldPoll(held, answeredAt);
    }

    HttpResponse<String> response() throws Exception {
      return held.get(30, TimeUnit.SECONDS);
    }

    /** From {@code nanoTime} to the answer. */
    Duration answeredSince(long nanoTime) throws Exception {
      return Duration.ofNanos(answeredAt.get() - nanoTime);
    }
  }

  private static double heldLongPolls() {
    return registry.get("palisade.config.long.polls").gauge().value();
  }

  private static String error(HttpResponse<String> response) throws IOException {
    JsonNode json = Json.MAPPER.readTree(response.body());
    return json.get("error").asText();
  }

  private static HttpRequest get(String pathAndQuery) {
    return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(60)).GET().build();
  }

  private static URI uri(String pathAndQuery) {
    return URI.create("https://localhost:" + https.port() + pathAndQuery);
  }

  private static AccessPolicy allowFrom(String name, String app, String serviceAccount) {
    AccessPolicy policy = new AccessPolicy();
    policy.getMetadata().setName(name);
    policy.getMetadata().setNamespace(NS);
    policy.setSpec(new AccessPolicySpec());
    policy.getSpec().selector = new WorkloadSelector();
    policy.getSpec().selector.matchLabels = Map.of("app", app);
    policy.getSpec().action = PolicyAction.ALLOW;
    AccessPolicySpec.Rule rule = new AccessPolicySpec.Rule();
    rule.serviceAccounts = List.of(serviceAccount);
    policy.getSpec().rules = List.of(rule);
    return policy;
  }

  private static WorkloadIdentity workloadIdentity(String serviceAccount) {
    return new WorkloadIdentity(TRUST_DOMAIN, NS, serviceAccount);
  }

  private static HttpClient client(InProcessCa issuer, WorkloadIdentity identity) {
    KeyPair keys = KeyType.ECDSA_P256.generate();
    SignedCertificate signed = sign(issuer, keys, identity.serviceAccount());
    return HttpClient.newBuilder()
        .sslContext(WorkloadTls.clientContext(ca.rootCertificate(), keys.getPrivate(),
            signed.chain()))
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  private static SignedCertificate sign(InProcessCa issuer, KeyPair keys, String serviceAccount) {
    try {
      return issuer.signWorkload(keys.getPublic(), workloadIdentity(serviceAccount));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> labels(String... keyValues) {
    Map<String, String> labels = new java.util.HashMap<>(INJECTED);
    for (int i = 0; i < keyValues.length; i += 2) {
      labels.put(keyValues[i], keyValues[i + 1]);
    }
    return labels;
  }
}
