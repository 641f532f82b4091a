package dev.palisade.operator.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.common.pki.Pem;
import dev.palisade.sidecar.proxy.ProxyCommand;
import dev.palisade.sidecar.selfcheck.EchoServer;
import dev.palisade.sidecar.proxy.ProxyCommand.RunningProxy;
import dev.palisade.testing.OperatorStack;
import dev.palisade.testing.PrometheusText;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar's outbound side driven by the real operator: proxies started from the same flags
 * an injected pod gets, each with its certificate from the operator's CA and its configuration
 * from the config service. Where a connection goes is the operator's answer from
 * {@code /v1/destinations}: a meshed pod's address gets mTLS to exactly its identity, an
 * address outside the mesh gets plaintext, and once the operator is gone a cached answer keeps
 * working while an unknown destination is refused rather than guessed.
 *
 * <p>Pod IPs are loopback addresses (127.0.0.2 for the server) so that all of it runs on one
 * machine: the proxies' listeners bind them, and the operator indexes them as the pods' IPs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SidecarOutboundIT {

  private static final String NS = "sidecar-outbound-it";
  private static final String TRUST_DOMAIN = "outbound.it";
  private static final String DB_IP = "127.0.0.2";
  private static final String HANDSHAKES = "palisade_tls_handshakes_total";

  @TempDir static Path dir;
  private static OperatorStack stack;
  private static EchoServer echo;
  private static final List<RunningProxy> proxies = new ArrayList<>();
  private static RunningProxy db;
  private static RunningProxy web;

  @BeforeAll
  static void start() throws Exception {
    stack = new OperatorStack(TRUST_DOMAIN, NS);
    // The bundle ConfigMap may already hold other trust domains' roots (other ITs share the
    // control plane): wait for this one's, which the operator's serving certificate chains to.
    await("this trust domain's root in the bundle").atMost(Duration.ofSeconds(60)).until(() ->
        stack.bundle().stream().anyMatch(root ->
            root.getSubjectX500Principal().getName().contains("O=" + TRUST_DOMAIN)));
    Files.writeString(dir.resolve("ca.crt"), Pem.certificates(stack.bundle()));
    echo = EchoServer.start();
    stack.workloads.serviceAccount("db");
    stack.workloads.serviceAccount("web");

    // The server: its inbound listener on its pod IP, relaying to the app (the echo server).
    Pod dbPod = injectedPod("db-0", "db");
    db = proxy(dbPod, DB_IP, "--inbound-target-port=" + echo.port(),
        "--outbound-target=127.0.0.1:1");
    stack.workloads.running(dbPod, DB_IP);
    // The client: every outbound connection is "to" db's pod IP and inbound port.
    web = proxy(injectedPod("web-0", "web"), "127.0.0.1", "--inbound-target-port=1",
        "--outbound-target=" + DB_IP + ":" + db.runtime().inboundAddress().getPort());
  }

  @AfterAll
  static void stop() throws Exception {
    proxies.forEach(RunningProxy::close);
    if (echo != null) {
      echo.close();
    }
    stack.close();
  }

  @Test
  @Order(1)
  void aMeshedPodIsReachedOverMutualTlsWithTheIdentityTheOperatorNames() throws Exception {
    // Until the operator has indexed db's IP its answer is unknown_address (cached for 5 s),
    // and the plaintext that follows is refused by db's STRICT inbound: retry until meshed.
    await("db's pod IP is known to the operator").atMost(Duration.ofSeconds(30))
        .until(() -> roundTripWorks(web));
    double before = handshakes(web, "outbound", "success", "none");
    assertThat(roundTrip(web, "to the database")).isEqualTo("to the database");
    assertThat(handshakes(web, "outbound", "success", "none")).isGreaterThan(before);
    assertThat(handshakes(db, "inbound", "success", "none")).isPositive();
  }

  @Test
  @Order(2)
  void anAddressOutsideTheMeshIsPassedThroughInPlaintext() throws Exception {
    // 127.0.0.1 is no pod's IP: the operator says unknown_address, so no mTLS is attempted.
    RunningProxy outside = proxy(injectedPod("batch-0", "web"), "127.0.0.1",
        "--inbound-target-port=1", "--outbound-target=127.0.0.1:" + echo.port());
    double before = plaintextOutbound(outside);

    assertThat(roundTrip(outside, "plain")).isEqualTo("plain");
    assertThat(plaintextOutbound(outside)).isGreaterThan(before);
    assertThat(handshakes(outside, "outbound", "success", "none")).isZero();
  }

  @Test
  @Order(3)
  void withTheOperatorGoneACachedAnswerKeepsWorkingAndAnUnknownDestinationIsRefused()
      throws Exception {
    // A proxy that has never asked about its destination, and one that has (web, in test 1).
    RunningProxy fresh = proxy(injectedPod("report-0", "web"), "127.0.0.1",
        "--inbound-target-port=1",
        "--outbound-target=" + DB_IP + ":" + db.runtime().inboundAddress().getPort());
    assertThat(roundTrip(web, "warm")).isEqualTo("warm");

    stack.servers.close(); // the operator goes away

    assertThat(roundTrip(web, "still meshed")).as("running traffic survives the operator")
        .isEqualTo("still meshed");
    try (Socket socket = connect(fresh)) {
      socket.getOutputStream().write("secret".getBytes(StandardCharsets.US_ASCII));
      socket.shutdownOutput();
      assertThat(socket.getInputStream().readAllBytes()).as("nothing guessed as plaintext")
          .isEmpty();
    }
    await("refusal counted").atMost(Duration.ofSeconds(30)).until(() ->
        handshakes(fresh, "outbound", "failure", "destination_unknown") > 0);
  }

  private static Pod injectedPod(String name, String serviceAccount) {
    return stack.workloads.pod(name, serviceAccount, Map.of("palisade.dev/proxy", "injected"));
  }

  /** A proxy started from the flags an injected pod's environment gives, plus fixed targets. */
  private static RunningProxy proxy(Pod pod, String listenAddress, String... targets)
      throws Exception {
    Path token = dir.resolve(pod.getMetadata().getName() + ".token");
    Files.writeString(token, stack.workloads.token(pod, "palisade"));
    List<String> args = new ArrayList<>(List.of("--trust-domain=" + TRUST_DOMAIN,
        "--ca-bundle=" + dir.resolve("ca.crt"), "--token-file=" + token,
        "--ca-endpoint=" + stack.https("/v1/certificates"), "--config-endpoint=" + stack.https("/"),
        "--pod-name=" + pod.getMetadata().getName(), "--listen-address=" + listenAddress,
        "--admin-address=127.0.0.1", "--inbound-port=0", "--outbound-port=0", "--admin-port=0",
        "--worker-threads=1"));
    args.addAll(List.of(targets));
    RunningProxy proxy = ProxyCommand.start(args.toArray(String[]::new), null);
    proxies.add(proxy);
    await(pod.getMetadata().getName() + " ready (certificate and first configuration)")
        .atMost(Duration.ofSeconds(60)).until(() -> proxy.runtime().ready());
    return proxy;
  }

  private static boolean roundTripWorks(RunningProxy proxy) {
    try {
      return roundTrip(proxy, "probe").equals("probe");
    } catch (IOException e) {
      return false;
    }
  }

  private static String roundTrip(RunningProxy proxy, String text) throws IOException {
    try (Socket socket = connect(proxy)) {
      socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
      socket.shutdownOutput();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  private static Socket connect(RunningProxy proxy) throws IOException {
    Socket socket = new Socket();
    socket.connect(proxy.runtime().outboundAddress(), 5_000);
    socket.setSoTimeout(20_000);
    return socket;
  }

  private static double handshakes(RunningProxy proxy, String direction, String result,
      String reason) {
    return series(proxy, HANDSHAKES + "{direction=\"" + direction + "\",reason=\"" + reason
        + "\",result=\"" + result + "\"}");
  }

  private static double plaintextOutbound(RunningProxy proxy) {
    return handshakes(proxy, "outbound", "plaintext", "not_meshed");
  }

  private static double series(RunningProxy proxy, String series) {
    InetSocketAddress admin = proxy.runtime().adminAddress();
    PrometheusText text = PrometheusText.scrape(
        URI.create("http://127.0.0.1:" + admin.getPort() + "/metrics"));
    return text.lines().stream().filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).strip()))
        .findFirst().orElse(0);
  }
}
