package dev.palisade.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * In real pods: an AccessPolicy DENY applied under a live connection cuts it within 2 s of
 * {@code kubectl apply} returning, where Istio and Linkerd would let it run (docs/sidecar.md,
 * "Live enforcement").
 */
class LiveEnforcementE2eIT {

  private static final String TERMINATED =
      "palisade_connections_terminated_total{direction=\"inbound\",reason=\"policy_denied\"}";
  private static MeshFixture mesh;

  @BeforeAll
  static void meshedApplication() {
    PalisadeRelease.ensureInstalled();
    mesh = MeshFixture.create("e2e-live-enforcement");
  }

  @AfterAll
  static void removeIt() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void aDenyAppliedUnderALiveStreamCutsItWithinTwoSeconds() throws Exception {
    Pod server = mesh.pod(mesh.namespace, "server");
    try (HeldStream stream = HeldStream.open(mesh, "client", Duration.ofSeconds(120))) {
      mesh.denyTheClient("cut-the-client");
      long applied = System.nanoTime();

      await("the stream is cut").atMost(Duration.ofSeconds(2))
          .pollInterval(Duration.ofMillis(20)).until(() -> !stream.isAlive());
      Duration cut = Duration.ofNanos(System.nanoTime() - applied);
      assertThat(cut).isLessThan(Duration.ofSeconds(2));
      assertThat(mesh.proxyMetric(server, TERMINATED)).isEqualTo(1);
    }
    assertThat(mesh.demoApp(mesh.namespace, "client", "get", mesh.serverUrl()).succeeded())
        .as("and new connections are refused").isFalse();
  }
}
