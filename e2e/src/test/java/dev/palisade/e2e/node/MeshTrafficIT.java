package dev.palisade.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.palisade.testing.CommandLine;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Meshed pods on the real node: injection, mTLS on the wire, STRICT, policy, Jobs. */
class MeshTrafficIT {

  private static final Duration POLICY_DEADLINE = Duration.ofSeconds(2);
  private static final String OUTBOUND_HANDSHAKES = "palisade_tls_handshakes_total{"
      + "direction=\"outbound\",reason=\"none\",result=\"success\"}";
  private static MeshFixture mesh;

  @BeforeAll
  static void meshedApplication() {
    PalisadeRelease.ensureInstalled();
    mesh = MeshFixture.create("e2e-traffic");
  }

  @AfterAll
  static void removeIt() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void anInjectedPodRunsInitToCompletionThenTheNativeSidecarThenTheApp() {
    Pod server = mesh.pod(mesh.namespace, "server");
    assertThat(server.getMetadata().getLabels()).containsEntry("palisade.dev/proxy", "injected");
    assertThat(server.getSpec().getInitContainers())
        .extracting(c -> c.getName(), c -> c.getRestartPolicy())
        .containsExactly(tuple("palisade-init", null), tuple("palisade-proxy", "Always"));
    ContainerStatus init = server.getStatus().getInitContainerStatuses().get(0);
    ContainerStatus proxy = server.getStatus().getInitContainerStatuses().get(1);
    ContainerStatus app = server.getStatus().getContainerStatuses().get(0);
    assertThat(init.getState().getTerminated().getExitCode()).isZero();
    assertThat(proxy.getState().getRunning()).isNotNull();
    assertThat(proxy.getStarted()).isTrue();
    Instant initFinished = Instant.parse(init.getState().getTerminated().getFinishedAt());
    Instant proxyStarted = Instant.parse(proxy.getState().getRunning().getStartedAt());
    Instant appStarted = Instant.parse(app.getState().getRunning().getStartedAt());
    assertThat(proxyStarted).isAfterOrEqualTo(initFinished);
    assertThat(appStarted).isAfterOrEqualTo(proxyStarted);
  }

  /** The chart requests 100m for the proxy: one event loop, whatever the node's CPU count. */
  @Test
  void theProxysEventLoopsFollowItsCpuRequest() {
    Pod server = mesh.pod(mesh.namespace, "server");
    String log = Node.kubectl("logs", "-n", mesh.namespace, server.getMetadata().getName(),
        "-c", "palisade-proxy").orThrow();
    assertThat(log).contains("transport, 1 event loops)");
  }

  @Test
  void aPermittedClientIsServedAndTheWireCarriesOnlyTls13() throws Exception {
    byte[] pcap;
    String described;
    try (VethCapture capture = VethCapture.start(mesh.namespace,
        mesh.pod(mesh.namespace, "server").getMetadata().getName())) {
      CommandLine.Result get = mesh.demoApp(mesh.namespace, "client", "get", mesh.serverUrl());
      assertThat(get.stdout()).contains("200 OK", "hello from server-");
      pcap = capture.stop();
      described = capture.describe();
    }
    // The server's ServerHello choosing TLS 1.3 (supported_versions = 0x0304), application data
    // records, and nowhere the request or the response in clear.
    assertThat(indexOf(pcap, HexFormat.of().parseHex("002b00020304")))
        .as("TLS 1.3 ServerHello in the %s", described)
        .isNotNegative();
    assertThat(indexOf(pcap, HexFormat.of().parseHex("170303"))).as("TLS application data")
        .isNotNegative();
    assertThat(indexOf(pcap, "GET / HTTP".getBytes(StandardCharsets.US_ASCII))).isNegative();
    assertThat(indexOf(pcap, "hello from".getBytes(StandardCharsets.US_ASCII))).isNegative();
  }

  @Test
  void theClientsProxyDialsTheServerWithMutualTlsByTheIdentityTheOperatorNames() {
    // The client's proxy asks the operator (/v1/destinations) what the Service's address is,
    // learns that it is meshed and which identity must answer, and counts the handshake.
    Pod client = mesh.pod(mesh.namespace, "client");
    double before = mesh.proxyMetric(client, OUTBOUND_HANDSHAKES);
    assertThat(mesh.demoApp(mesh.namespace, "client", "get", mesh.serverUrl()).stdout())
        .contains("200 OK");
    assertThat(mesh.proxyMetric(client, OUTBOUND_HANDSHAKES)).isEqualTo(before + 1);
  }

  @Test
  void aServerOutsideTheMeshIsReachedInPlaintext() {
    Pod client = mesh.pod(mesh.namespace, "client");
    double before = mesh.proxyMetric(client, OUTBOUND_HANDSHAKES);
    assertThat(mesh.demoApp(mesh.namespace, "client", "get", mesh.legacyUrl()).stdout())
        .contains("200 OK", "hello from legacy-");
    assertThat(mesh.proxyMetric(client, OUTBOUND_HANDSHAKES)).as("no handshake")
        .isEqualTo(before);
  }

  @Test
  void strictRefusesAPlaintextClientAndCountsIt() {
    Pod server = mesh.pod(mesh.namespace, "server");
    String series = "palisade_tls_handshakes_total{direction=\"inbound\","
        + "reason=\"plaintext_rejected\",result=\"failure\"}";
    double before = mesh.proxyMetric(server, series);
    CommandLine.Result get = mesh.demoApp(mesh.plainNamespace, "legacy", "get", mesh.serverUrl());
    assertThat(get.succeeded()).as(get.stdout()).isFalse();
    assertThat(get.stdout()).doesNotContain("hello from");
    assertThat(mesh.proxyMetric(server, series)).isEqualTo(before + 1);
  }

  @Test
  void anotherPodCannotStopAProxyThroughItsAdminPort() {
    Pod server = mesh.pod(mesh.namespace, "server");
    String shutdown = "http://" + server.getStatus().getPodIP() + ":15020/shutdown";
    CommandLine.Result posted = mesh.demoApp(mesh.plainNamespace, "legacy", "post", shutdown);
    assertThat(posted.stdout()).contains("403");
    // Still serving, never restarted.
    assertThat(mesh.demoApp(mesh.namespace, "client", "get", mesh.serverUrl()).stdout())
        .contains("200 OK");
    ContainerStatus proxy = mesh.pod(mesh.namespace, "server").getStatus()
        .getInitContainerStatuses().get(1);
    assertThat(proxy.getRestartCount()).isZero();
    assertThat(proxy.getReady()).isTrue();
  }

  @Test
  void anAccessPolicyChangeTakesEffectOnLiveTrafficWithinTwoSeconds() {
    Supplier<Boolean> intruderServed =
        () -> mesh.demoApp(mesh.namespace, "intruder", "get", mesh.serverUrl()).succeeded();
    assertThat(intruderServed.get()).as("denied before the change").isFalse();

    Instant allowed = Instant.now();
    patchCallers("add", "/spec/rules/0/identities/-",
        "\"spiffe://cluster.local/ns/" + mesh.namespace + "/sa/intruder\"");
    assertThat(firstAttemptWith(true, intruderServed, allowed))
        .as("from the AccessPolicy change to the intruder served").isLessThan(POLICY_DEADLINE);

    Instant revoked = Instant.now();
    patchCallers("remove", "/spec/rules/0/identities/1", null);
    assertThat(firstAttemptWith(false, intruderServed, revoked))
        .as("from the AccessPolicy change to the intruder refused").isLessThan(POLICY_DEADLINE);
  }

  @Test
  void aJobsPodCompletesTheSidecarDoesNotKeepItAlive() {
    mesh.apply("""
        apiVersion: batch/v1
        kind: Job
        metadata: {name: once, namespace: %s}
        spec:
          backoffLimit: 0
          template:
            spec:
              serviceAccountName: client
              restartPolicy: Never
              containers:
                - name: app
                  image: "%s"
                  args: [get, "%s"]
        """.formatted(mesh.namespace, Node.image("DEMO_APP_IMAGE"), mesh.serverUrl()));
    await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
      Job job = Node.client().batch().v1().jobs().inNamespace(mesh.namespace).withName("once")
          .get();
      assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
    });
    Pod pod = Node.client().pods().inNamespace(mesh.namespace).withLabel("job-name", "once")
        .list().getItems().getFirst();
    assertThat(pod.getMetadata().getLabels()).containsEntry("palisade.dev/proxy", "injected");
    assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
  }

  private void patchCallers(String op, String path, String value) {
    String patch = "[{\"op\":\"" + op + "\",\"path\":\"" + path + "\""
        + (value != null ? ",\"value\":" + value : "") + "}]";
    Node.kubectl("patch", "accesspolicy", "server-callers", "-n", mesh.namespace, "--type",
        "json", "-p", patch).orThrow();
  }

  /**
   * How long after {@code since} the first attempt whose outcome was {@code wanted} ended
   * (attempts back to back, for at most 20 s): an upper bound, kubectl exec's own latency
   * included.
   */
  private static Duration firstAttemptWith(boolean wanted, Supplier<Boolean> attempt,
      Instant since) {
    Instant giveUp = since.plusSeconds(20);
    while (Instant.now().isBefore(giveUp)) {
      if (attempt.get() == wanted) {
        Duration took = Duration.between(since, Instant.now());
        System.out.printf("policy change in effect after %d ms%n", took.toMillis());
        return took;
      }
    }
    throw new AssertionError("the policy change did not take effect within 20 s");
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
