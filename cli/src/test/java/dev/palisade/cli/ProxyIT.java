package dev.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.palisade.common.json.JsonDocuments;
import dev.palisade.common.sidecar.ProxyIdentity;
import dev.palisade.testing.ControlPlane;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code palisade proxy-status} and {@code palisade identity} through the real API server's pod
 * proxy. There is no kubelet: an injected pod's status is written by the test (Running, ready,
 * its IP one of this host's addresses), and a stand-in for the proxy's admin port answers
 * {@code /identity} (or, as a proxy from before that endpoint, 404 there and {@code /metrics})
 * on that address, port 15020. The real proxy and operator are exercised by the e2e test
 * {@code CliE2eIT}.
 */
class ProxyIT {

  private static final String NS = "proxy-it";
  private static final String SYSTEM = "proxy-it-system";
  private static final AtomicReference<Instant> EXPIRY = new AtomicReference<>();
  /** Whether the stand-in is a proxy from before {@code /identity}. */
  private static volatile boolean olderProxy;

  private static KubernetesClient admin;
  private static HttpServer adminPort;
  private static String hostAddress;

  @BeforeAll
  static void standIn() throws Exception {
    hostAddress = NetworkInterface.networkInterfaces()
        .flatMap(NetworkInterface::inetAddresses)
        .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress()
            && !a.isLinkLocalAddress())
        .map(InetAddress::getHostAddress).findFirst().orElse(null);
    assumeTrue(hostAddress != null, "no non-loopback IPv4 address to stand in for a pod");
    try {
      adminPort = HttpServer.create(new InetSocketAddress(hostAddress, ProxyAdmin.ADMIN_PORT), 0);
    } catch (IOException e) {
      assumeTrue(false, "port " + ProxyAdmin.ADMIN_PORT + " on " + hostAddress + " is taken: "
          + e.getMessage());
    }
    adminPort.createContext(ProxyIdentity.PATH, exchange -> {
      Instant expiry = EXPIRY.get();
      int status = olderProxy ? 404 : expiry == null ? 503 : 200;
      byte[] body = (status == 200 ? JsonDocuments.lenient().write(new ProxyIdentity(
              "spiffe://proxy.it/ns/" + NS + "/sa/app", "1f", expiry.minus(Duration.ofHours(24))
                  .toString(), expiry.toString(), List.of("-----BEGIN CERTIFICATE-----"),
              List.of("ab"), "b1", "c1"))
          : status == 503 ? ProxyIdentity.NO_CERTIFICATE : "unknown path")
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    adminPort.createContext("/metrics", exchange -> {
      Instant expiry = EXPIRY.get();
      byte[] body = ("# TYPE palisade_certificate_expiry_timestamp_seconds gauge\n"
          + "palisade_certificate_expiry_timestamp_seconds "
          + (expiry == null ? "NaN" : expiry.getEpochSecond() + ".0") + "\n")
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    adminPort.start();

    admin = ControlPlane.get().adminClient();
    for (String namespace : new String[] {NS, SYSTEM}) {
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
          .endMetadata().build()).createOr(existing -> existing.update());
    }
    admin.resource(new DeploymentBuilder()
        .withNewMetadata().withName("palisade-operator").withNamespace(SYSTEM).endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", "op").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "op").endMetadata()
        .withNewSpec().addNewContainer().withName("operator").withImage("palisade/operator:0.2.0")
        .addNewEnv().withName("PALISADE_TRUST_DOMAIN").withValue("proxy.it").endEnv()
        .addNewEnv().withName("PALISADE_SIDECAR_IMAGE").withValue("palisade/sidecar:0.2.0").endEnv()
        .endContainer().endSpec().endTemplate().endSpec().build())
        .forceConflicts().serverSideApply();
    injectedPod("served", hostAddress, "0.2.0");
  }

  @AfterAll
  static void stop() {
    if (admin != null) {
      admin.pods().inNamespace(NS).delete();
      admin.apps().deployments().inNamespace(SYSTEM).withName("palisade-operator").delete();
      admin.close();
    }
    if (adminPort != null) {
      adminPort.stop(0);
    }
  }

  @Test
  void identityShowsTheSpiffeIdAndTheServedCertificatesExpiry() {
    Instant expiry = Instant.now().plus(Duration.ofHours(20)).truncatedTo(
        java.time.temporal.ChronoUnit.SECONDS);
    EXPIRY.set(expiry);
    CliRun run = CliRun.run("identity", NS + "/served", "--palisade-namespace", SYSTEM, "-o",
        "json");
    assertThat(run.status()).as(run.toString()).isZero();
    var json = run.json();
    assertThat(json.path("spiffeId").asText()).isEqualTo("spiffe://proxy.it/ns/" + NS + "/sa/app");
    assertThat(json.path("notAfter").asText()).isEqualTo(expiry.toString());
    assertThat(json.path("pastRenewal").asBoolean()).isFalse();
    // 24h leaves renewed between 40% and 60% of their lifetime
    assertThat(json.path("renewalWindowEnd").asText())
        .isEqualTo(expiry.minus(Duration.ofMinutes(576)).toString());
    assertThat(json.path("serial").asText()).isEqualTo("1f");
    assertThat(json.path("chain")).hasSize(1);
    assertThat(json.path("trustBundleVersion").asText()).isEqualTo("b1");
    assertThat(json.path("configVersion").asText()).isEqualTo("c1");
    assertThat(json.path("configInSync").isBoolean()).as("no operator replica to ask").isFalse();

    CliRun text = CliRun.run("identity", "served", "-n", NS, "--palisade-namespace", SYSTEM);
    assertThat(text.out()).contains("SPIFFE ID:          spiffe://proxy.it/ns/" + NS + "/sa/app")
        .contains("certificate:        serial 1f, valid from " + expiry.minus(Duration.ofHours(24))
            + ", expires " + expiry)
        .contains("configuration:      version c1");
  }

  @Test
  void aProxyFromBeforeTheIdentityEndpointStillShowsItsExpiry() {
    Instant expiry = Instant.now().plus(Duration.ofHours(20)).truncatedTo(
        java.time.temporal.ChronoUnit.SECONDS);
    EXPIRY.set(expiry);
    olderProxy = true;
    try {
      CliRun run = CliRun.run("identity", NS + "/served", "--palisade-namespace", SYSTEM, "-o",
          "json");
      assertThat(run.status()).as(run.toString()).isZero();
      assertThat(run.json().path("notAfter").asText()).isEqualTo(expiry.toString());
      assertThat(run.json().path("configVersion").asText())
          .isEqualTo(ProxyInspector.OLDER_PROXY);
    } finally {
      olderProxy = false;
    }
  }

  @Test
  void proxyStatusListsEveryInjectedPodAndFailsOnALateRenewalOrAnOutdatedProxy() {
    EXPIRY.set(Instant.now().plus(Duration.ofHours(20)));
    CliRun healthy = CliRun.run("proxy-status", "-n", NS, "--palisade-namespace", SYSTEM);
    assertThat(healthy.status()).as(healthy.toString()).isZero();
    assertThat(healthy.out()).contains(NS + "/served").contains("current").contains("in time");

    EXPIRY.set(Instant.now().plus(Duration.ofHours(5))); // past 60% of 24h
    CliRun late = CliRun.run("proxy-status", "-n", NS, "--palisade-namespace", SYSTEM, "-o",
        "json");
    assertThat(late.status()).isEqualTo(Main.FAILED);
    assertThat(late.json().path("proxies").get(0).path("pastRenewal").asBoolean()).isTrue();

    EXPIRY.set(Instant.now().plus(Duration.ofHours(20)));
    injectedPod("old", "198.18.255.254", "0.1.0"); // nothing answers there
    try {
      CliRun outdated = CliRun.run("proxy-status", "-n", NS, "--palisade-namespace", SYSTEM,
          "--proxy-timeout", "1s", "-o", "json");
      assertThat(outdated.status()).isEqualTo(Main.FAILED);
      var old = outdated.json().path("proxies").get(0);
      assertThat(old.path("pod").asText()).isEqualTo(NS + "/old");
      assertThat(old.path("versionCurrent").asBoolean()).isFalse();
      assertThat(old.path("unreachable").asText()).isNotEmpty();
      assertThat(outdated.json().path("operatorProxyVersion").asText()).isEqualTo("0.2.0");
    } finally {
      admin.pods().inNamespace(NS).withName("old").delete();
    }
  }

  @Test
  void identityOfAPodWithoutProxyIsAnError() {
    admin.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("plain")
        .endMetadata().withNewSpec().addNewContainer().withName("app")
        .withImage("registry.invalid/app:1").endContainer().endSpec().build())
        .createOr(p -> p.update());
    CliRun run = CliRun.run("identity", NS + "/plain");
    assertThat(run.status()).isEqualTo(Main.FAILED);
    assertThat(run.err()).contains("has no Palisade proxy");
  }

  /** An injected pod as the kubelet would report it: Running at {@code ip}, ready. */
  private static void injectedPod(String name, String ip, String proxyVersion) {
    admin.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(name)
        .withLabels(Map.of("palisade.dev/proxy", "injected"))
        .withAnnotations(Map.of("palisade.dev/proxy-version", proxyVersion)).endMetadata()
        .withNewSpec().withServiceAccountName("app")
        .addNewInitContainer().withName("palisade-proxy").withImage("palisade/sidecar:"
            + proxyVersion).withRestartPolicy("Always").endInitContainer()
        .addNewContainer().withName("app").withImage("registry.invalid/app:1").endContainer()
        .endSpec().build()).createOr(p -> p.update());
    admin.pods().inNamespace(NS).withName(name).editStatus(p -> new PodBuilder(p)
        .editOrNewStatus().withPhase("Running").withPodIP(ip)
        .withPodIPs(new io.fabric8.kubernetes.api.model.PodIP(ip))
        .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build())
        .withInitContainerStatuses(new ContainerStatusBuilder().withName("palisade-proxy")
            .withReady(true).withImage("palisade/sidecar:" + proxyVersion).withImageID("")
            .withRestartCount(0).withNewState().withNewRunning().endRunning().endState().build())
        .endStatus().build());
  }
}
