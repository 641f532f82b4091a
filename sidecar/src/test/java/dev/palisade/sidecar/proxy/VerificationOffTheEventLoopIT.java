package dev.palisade.sidecar.proxy;

import static dev.palisade.sidecar.testing.Metrics.handshake;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.sidecar.testing.Sidecar;
import dev.palisade.sidecar.testing.TestApp;
import dev.palisade.sidecar.testing.TestApp.Behaviour;
import dev.palisade.sidecar.tls.TlsSettings;
import dev.palisade.testing.CommandLine;
import dev.palisade.testing.Openssl;
import dev.palisade.testing.TestCa;
import dev.palisade.testing.TestCa.PemFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer's chain is verified as BoringSSL's delegated task on the verification executor, not on
 * the event loop that also relays every established connection of the proxy.
 */
class VerificationOffTheEventLoopIT {

  private static final TestCa CA = TestCa.create("cluster.local");

  @TempDir
  Path pems;

  @Test
  void theInboundPeersChainIsVerifiedOnTheVerificationExecutor() throws Exception {
    Set<String> verifiedOn = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(1,
        task -> new Thread(task, "test-verification"));
    try (TestApp app = TestApp.start(Behaviour.BANNER);
        Sidecar sidecar = Sidecar.start(CA, "shop", "cart",
            new SidecarConfig("v", InboundPolicy.strictDefault(), OutboundPolicy.passthrough()),
            FixedDestinationResolver.localPort(app.port()), FixedDestinationResolver.localPort(1),
            builder -> builder.tls(TlsSettings.defaults("cluster.local").withVerification(
                task -> pool.execute(() -> {
                  verifiedOn.add(Thread.currentThread().getName());
                  task.run();
                }))))) {
      PemFiles client = CA.write(CA.leaf(new WorkloadIdentity("cluster.local", "shop",
          "frontend")), pems, "client");

      CommandLine.Result result = Openssl.sClient(sidecar.inboundPort(), List.of("-tls1_3",
          "-cert", client.chain().toString(), "-cert_chain", client.chain().toString(),
          "-key", client.key().toString(), "-CAfile", client.bundle().toString()), "",
          Duration.ofSeconds(20));

      assertThat(result.output()).contains(TestApp.BANNER);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sidecar.metric(
          "palisade_tls_handshakes_total", handshake("inbound", "success", "none")))
          .isEqualTo(1.0));
      assertThat(verifiedOn).containsExactly("test-verification");
    } finally {
      pool.shutdownNow();
    }
  }
}
