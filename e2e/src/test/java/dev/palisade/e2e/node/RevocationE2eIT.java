package dev.palisade.e2e.node;

import static dev.palisade.e2e.node.PalisadeCli.palisade;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.e2e.node.PalisadeCli.Run;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * In real pods, through the packaged CLI: revoking the certificate a client's proxy serves cuts
 * its live stream within 2 s of the revocation reaching the API server, and the client recovers
 * with a new certificate; suspending its identity cuts it, refuses it everywhere and keeps a
 * restarted client pod from getting a certificate, and lifting the suspension lets it back
 * (docs/incident-response.md). What neither Istio nor Linkerd can do.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RevocationE2eIT {

  private static final Duration CUT_WITHIN = Duration.ofSeconds(2);
  private static final String NS = "e2e-revocation";
  private static MeshFixture mesh;
  private static final List<String> revocations = new java.util.concurrent.CopyOnWriteArrayList<>(
      List.of("copied-key"));

  @BeforeAll
  static void meshedApplication() {
    PalisadeRelease.ensureInstalled();
    mesh = MeshFixture.create(NS);
  }

  @AfterAll
  static void removeIt() {
    // Only its own: the cluster may be the demo's, with revocations of its own.
    for (String name : revocations) {
      Node.kubectl("delete", "certificaterevocation", name, "--ignore-not-found");
    }
    Node.kubectl("delete", "identitysuspension", NS + ".client", "--ignore-not-found");
    Node.kubectl("delete", "workloadcertificate", "copied", "-n", NS, "--ignore-not-found");
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  @Order(1)
  void aRevokedCertificateIsCutAtOnceAndItsProxyRenewsWithANewOne() throws Exception {
    Pod client = mesh.pod(NS, "client");
    Pod server = mesh.pod(NS, "server");
    String revoked = mesh.proxyIdentity(client).serial();
    String revocation;
    try (HeldStream stream = HeldStream.open(mesh, "client", Duration.ofSeconds(120))) {
      Run revoke = palisade("revoke", NS + "/" + client.getMetadata().getName(),
          "--reason", "RevocationE2eIT");
      long created = System.nanoTime();
      assertThat(revoke.status()).as(revoke.toString()).isZero();
      assertThat(revoke.out()).contains("certificate " + revoked);
      revocation = createdObject(revoke);

      await("the stream is cut").atMost(CUT_WITHIN).pollInterval(Duration.ofMillis(20))
          .until(() -> !stream.isAlive());
      assertThat(Duration.ofNanos(System.nanoTime() - created)).isLessThan(CUT_WITHIN);
      assertThat(mesh.proxyMetric(server, terminated("revoked"))).isEqualTo(1);
    }
    await("the client's proxy serves a new certificate").atMost(Duration.ofSeconds(30))
        .until(() -> !mesh.proxyIdentity(client).serial().equals(revoked));
    await("and its traffic resumes").atMost(Duration.ofSeconds(30)).until(() ->
        mesh.demoApp(NS, "client", "get", mesh.serverUrl()).succeeded());
    assertThat(Node.kubectl("get", "certificaterevocation", revocation, "-o",
        "jsonpath={.status.conditions[?(@.type==\"Ready\")].reason}").orThrow().trim())
        .isEqualTo("InForce");
  }

  /**
   * A copy of a certificate and key (what an attacker takes away): here a WorkloadCertificate of
   * the client's identity, presented from outside the pod straight to the server's proxy. It is
   * served until it is revoked, and refused as {@code revoked} from then on.
   */
  @Test
  @Order(2)
  void aCopiedCertificateIsRefusedByTheServersProxyOnceRevoked() throws Exception {
    mesh.apply("""
        apiVersion: palisade.dev/v1alpha1
        kind: WorkloadCertificate
        metadata: {name: copied, namespace: %s}
        spec: {spiffeId: "spiffe://cluster.local/ns/%1$s/sa/client", secretName: copied-tls}
        """.formatted(NS));
    await("the copy is written").atMost(Duration.ofSeconds(60)).until(() ->
        Node.client().secrets().inNamespace(NS).withName("copied-tls").get() != null);
    Secret secret = Node.client().secrets().inNamespace(NS).withName("copied-tls").get();
    CopiedCertificate copy = CopiedCertificate.of(secret);
    Pod server = mesh.pod(NS, "server");
    assertThat(copy.servedBy(server)).as("the copy is a valid certificate of the client").isTrue();
    double refusedBefore = mesh.proxyMetric(server, refusedHandshakes("revoked"));

    mesh.apply("""
        apiVersion: palisade.dev/v1alpha1
        kind: CertificateRevocation
        metadata: {name: copied-key}
        spec: {trustDomain: cluster.local, serialNumber: "%s"}
        """.formatted(copy.serial()));
    long created = System.nanoTime();

    await("refused").atMost(CUT_WITHIN).pollInterval(Duration.ofMillis(50))
        .until(() -> !copy.servedBy(server));
    assertThat(Duration.ofNanos(System.nanoTime() - created)).isLessThan(CUT_WITHIN);
    // The client reads the alert before the server's proxy has necessarily counted it.
    await("counted as revoked").atMost(Duration.ofSeconds(10)).until(() ->
        mesh.proxyMetric(server, refusedHandshakes("revoked")) > refusedBefore);
  }

  @Test
  @Order(3)
  void aSuspendedIdentityIsRefusedEverywhereCannotRenewAndRecoversWhenLifted() throws Exception {
    Pod client = mesh.pod(NS, "client");
    Pod server = mesh.pod(NS, "server");
    double refusedBefore = mesh.proxyMetric(server, refusedHandshakes("identity_suspended"));
    String identity = "spiffe://cluster.local/ns/" + NS + "/sa/client";
    try (HeldStream stream = HeldStream.open(mesh, "client", Duration.ofSeconds(120))) {
      Run suspend = palisade("suspend", NS + "/" + client.getMetadata().getName());
      long created = System.nanoTime();
      assertThat(suspend.status()).as(suspend.toString()).isZero();
      assertThat(suspend.out()).contains(identity + " is suspended");

      await("the stream is cut").atMost(CUT_WITHIN).pollInterval(Duration.ofMillis(20))
          .until(() -> !stream.isAlive());
      assertThat(Duration.ofNanos(System.nanoTime() - created)).isLessThan(CUT_WITHIN);
      assertThat(mesh.proxyMetric(server, terminated("identity_suspended"))).isEqualTo(1);
    }
    assertThat(mesh.demoApp(NS, "client", "get", mesh.serverUrl()).succeeded())
        .as("a new connection is refused").isFalse();
    await("counted as identity_suspended").atMost(Duration.ofSeconds(10)).until(() ->
        mesh.proxyMetric(server, refusedHandshakes("identity_suspended")) > refusedBefore);

    // A new pod of the identity cannot get a certificate while it is suspended.
    double suspendedSignings = operatorMetric(
        "palisade_ca_certificates_issued_total{kind=\"workload\",result=\"identity_suspended\"}");
    Node.kubectl("delete", "pod", "-n", NS, client.getMetadata().getName(), "--wait=false")
        .orThrow();
    await("the new client pod is refused a certificate").atMost(Duration.ofSeconds(90))
        .until(() -> operatorMetric("palisade_ca_certificates_issued_total{kind=\"workload\","
            + "result=\"identity_suspended\"}") > suspendedSignings);
    assertThat(Node.kubectl("get", "pods", "-n", NS, "-l", "app=client", "-o",
        "jsonpath={.items[*].status.containerStatuses[?(@.name==\"app\")].ready}").orThrow()
        .trim()).doesNotContain("true");

    Node.kubectl("delete", "identitysuspension", NS + ".client").orThrow();
    mesh.waitReady(NS, "client");
    await("traffic resumes").atMost(Duration.ofSeconds(30)).until(() ->
        mesh.demoApp(NS, "client", "get", mesh.serverUrl()).succeeded());
  }

  /** The object {@code palisade revoke} says it created, remembered for the clean-up. */
  private static String createdObject(Run revoke) {
    java.util.regex.Matcher name = java.util.regex.Pattern
        .compile("certificaterevocation/(\\S+) created").matcher(revoke.out());
    assertThat(name.find()).as(revoke.out()).isTrue();
    revocations.add(name.group(1));
    return name.group(1);
  }

  private static String terminated(String reason) {
    return "palisade_connections_terminated_total{direction=\"inbound\",reason=\"" + reason
        + "\"}";
  }

  private static String refusedHandshakes(String reason) {
    return "palisade_tls_handshakes_total{direction=\"inbound\",reason=\"" + reason + "\","
        + "result=\"failure\"}";
  }

  /** A series summed over the operator's replicas (a request reaches any of them). */
  private static double operatorMetric(String series) {
    List<Pod> operators = Node.client().pods().inNamespace(PalisadeRelease.NAMESPACE)
        .withLabel("app.kubernetes.io/component", "operator").list().getItems();
    return operators.stream().filter(pod -> pod.getStatus().getPodIP() != null)
        .mapToDouble(pod -> MeshFixture.metric(pod, 9090, series)).sum();
  }
}
