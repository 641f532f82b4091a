package dev.palisade.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.palisade.common.json.JsonDocuments;
import dev.palisade.common.pki.Fingerprints;
import dev.palisade.common.pki.Pem;
import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.sidecar.ProxyIdentity;
import dev.palisade.sidecar.testing.Clients;
import dev.palisade.sidecar.testing.Metrics;
import dev.palisade.sidecar.testing.TestApp;
import dev.palisade.sidecar.testing.TestApp.Behaviour;
import dev.palisade.sidecar.testing.TestMaterial;
import dev.palisade.sidecar.tls.TlsMaterial;
import dev.palisade.testing.TestCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The admin port: readiness, metrics, and /shutdown draining. */
class AdminIT {

  private static final TestCa CA = TestCa.create("cluster.local");

  @Test
  void readyOnlyOnceACertificateIsLoaded() throws Exception {
    try (TestApp echo = TestApp.start(Behaviour.ECHO);
        ProxyRuntime runtime = start(echo, Duration.ofSeconds(5))) {
      HttpResponse<String> before = Metrics.get(runtime.adminAddress(), "/healthz/ready");
      assertThat(before.statusCode()).isEqualTo(503);
      assertThat(Metrics.value(runtime.metrics(), "palisade_certificate_expiry_timestamp_seconds",
          Map.of())).isNaN();

      runtime.tls().publish(TestMaterial.of(CA, "shop", "cart"));

      assertThat(Metrics.get(runtime.adminAddress(), "/healthz/ready").statusCode())
          .isEqualTo(200);
      HttpResponse<String> metrics = Metrics.get(runtime.adminAddress(), "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(type ->
          assertThat(type).startsWith("text/plain"));
      assertThat(Metrics.value(metrics.body(), "palisade_certificate_renewals_total",
          Map.of("result", "success"))).isEqualTo(1);
    }
  }

  @Test
  void withAnOperatorReadyOnlyOnceItsFirstConfigurationHasArrived() throws Exception {
    // Nothing listens on port 1: the configuration can only come from updateConfig here.
    try (ProxyRuntime runtime = ProxyRuntime.start(ProxySettings.builder("cluster.local")
            .ephemeral(InetAddress.getLoopbackAddress())
            .workerThreads(1)
            .operator(java.net.URI.create("https://127.0.0.1:1"))
            .build(),
        FixedDestinationResolver.localPort(1), FixedDestinationResolver.localPort(1))) {
      runtime.tls().publish(TestMaterial.of(CA, "shop", "cart"));
      assertThat(Metrics.get(runtime.adminAddress(), "/healthz/ready").statusCode())
          .as("a certificate alone is not enough").isEqualTo(503);

      runtime.updateConfig(SidecarConfig.defaults());

      assertThat(Metrics.get(runtime.adminAddress(), "/healthz/ready").statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void identityShowsTheServedChainAndVersionsButNeverTheKey() throws Exception {
    try (TestApp echo = TestApp.start(Behaviour.ECHO);
        ProxyRuntime runtime = start(echo, Duration.ofSeconds(5))) {
      assertThat(Metrics.get(runtime.adminAddress(), "/identity").statusCode())
          .as("before a certificate").isEqualTo(503);
      TlsMaterial material = TestMaterial.of(CA, "shop", "cart");
      runtime.tls().publish(material);
      runtime.updateConfig(new SidecarConfig("v42", InboundPolicy.strictDefault(),
          OutboundPolicy.passthrough()));

      HttpResponse<String> response = Metrics.get(runtime.adminAddress(), "/identity");

      assertThat(response.statusCode()).isEqualTo(200);
      ProxyIdentity identity = JsonDocuments.strict().read(response.body(), ProxyIdentity.class);
      X509Certificate leaf = material.leaf();
      assertThat(identity.spiffeId()).isEqualTo("spiffe://cluster.local/ns/shop/sa/cart");
      assertThat(identity.serial()).isEqualTo(leaf.getSerialNumber().toString(16));
      assertThat(identity.notAfter()).isEqualTo(leaf.getNotAfter().toInstant().toString());
      assertThat(identity.chain()).containsExactlyElementsOf(
          material.chain().stream().map(Pem::certificate).toList());
      assertThat(identity.trustBundleFingerprints()).containsExactly(
          Fingerprints.sha256(material.trustBundle().getFirst()));
      assertThat(identity.trustBundleVersion())
          .isEqualTo(Fingerprints.bundleVersion(material.trustBundle()));
      assertThat(identity.configVersion()).isEqualTo("v42");
      assertThat(response.body()).doesNotContain("PRIVATE KEY");
      assertThat(Metrics.post(runtime.adminAddress(), "/identity").statusCode()).isEqualTo(405);
    }
  }

  @Test
  void adminRoutesRefuseWrongMethodsAndPaths() throws Exception {
    try (TestApp echo = TestApp.start(Behaviour.ECHO);
        ProxyRuntime runtime = start(echo, Duration.ofSeconds(5))) {
      assertThat(Metrics.get(runtime.adminAddress(), "/shutdown").statusCode()).isEqualTo(405);
      assertThat(Metrics.post(runtime.adminAddress(), "/metrics").statusCode()).isEqualTo(405);
      assertThat(Metrics.get(runtime.adminAddress(), "/nope").statusCode()).isEqualTo(404);
      assertThat(runtime.terminated()).isNotDone();
    }
  }

  @Test
  void shutdownStopsAcceptingAndWaitsForOpenConnections() throws Exception {
    try (TestApp echo = TestApp.start(Behaviour.ECHO);
        ProxyRuntime runtime = start(echo, Duration.ofSeconds(30))) {
      runtime.tls().publish(TestMaterial.of(CA, "shop", "cart"));
      int inboundPort = runtime.inboundAddress().getPort();
      try (Socket open = Clients.connect(inboundPort)) {
        Clients.write(open, "one");
        assertThat(Clients.readExactly(open, 3)).isEqualTo("one");

        assertThat(Metrics.post(runtime.adminAddress(), "/shutdown").statusCode())
            .isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThatThrownBy(() -> Clients.connect(inboundPort).close())
                .as("the listener is closed").isInstanceOf(IOException.class));
        assertThat(Metrics.get(runtime.adminAddress(), "/healthz/ready").statusCode())
            .as("not ready while draining").isEqualTo(503);
        Clients.write(open, "two");
        assertThat(Clients.readExactly(open, 3)).as("in-flight connections keep working")
            .isEqualTo("two");
        assertThat(runtime.terminated()).isNotDone();
      }
      // The last connection closed: the drain ends long before its 30 s deadline.
      runtime.terminated().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void shutdownClosesWhatIsStillOpenAtTheDrainDeadline() throws Exception {
    try (TestApp echo = TestApp.start(Behaviour.ECHO);
        ProxyRuntime runtime = start(echo, Duration.ofMillis(500))) {
      runtime.tls().publish(TestMaterial.of(CA, "shop", "cart"));
      try (Socket lingering = Clients.connect(runtime.inboundAddress().getPort())) {
        Clients.write(lingering, "hi");
        assertThat(Clients.readExactly(lingering, 2)).isEqualTo("hi");

        runtime.shutdown();

        runtime.terminated().get(15, TimeUnit.SECONDS);
        assertThat(Clients.closedWithoutData(lingering)).isTrue();
      }
    }
  }

  /** A sidecar with a DISABLE inbound (plain bytes to the echo app) and no certificate yet. */
  private static ProxyRuntime start(TestApp echo, Duration drain) throws InterruptedException {
    return ProxyRuntime.start(ProxySettings.builder("cluster.local")
            .ephemeral(InetAddress.getLoopbackAddress())
            .workerThreads(1)
            .drainTimeout(drain)
            .sidecarConfig(new SidecarConfig("admin", new InboundPolicy(
                MtlsMode.DISABLE, Map.of(),
                List.of()), OutboundPolicy.passthrough()))
            .build(),
        FixedDestinationResolver.localPort(echo.port()), FixedDestinationResolver.localPort(1));
  }
}
