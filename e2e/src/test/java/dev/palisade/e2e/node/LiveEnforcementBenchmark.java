package dev.palisade.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A benchmark, run by {@code hack/bench-live-enforcement.sh} only (its name is not a test's):
 * the time from {@code kubectl apply} of an AccessPolicy DENY returning to the live stream it
 * denies being cut, over {@code -Dbench.trials} trials (20) in real pods. Each trial opens a
 * stream from the client, applies the DENY, waits for the cut, deletes the DENY and waits until
 * the client reaches the server again. Writes {@code target/bench/live-enforcement.md}.
 */
class LiveEnforcementBenchmark {

  private static MeshFixture mesh;

  @BeforeAll
  static void meshedApplication() {
    PalisadeRelease.ensureInstalled();
    mesh = MeshFixture.create("bench-live-enforcement");
  }

  @AfterAll
  static void removeIt() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void timeFromApplyToCut() throws Exception {
    int trials = Integer.getInteger("bench.trials", 20);
    List<Double> cutMillis = new ArrayList<>();
    List<Double> applyMillis = new ArrayList<>();
    for (int trial = 0; trial < trials; trial++) {
      await("the client reaches the server").atMost(Duration.ofSeconds(60)).until(() ->
          mesh.demoApp(mesh.namespace, "client", "get", mesh.serverUrl()).succeeded());
      try (HeldStream stream = HeldStream.open(mesh, "client", Duration.ofSeconds(120))) {
        long start = System.nanoTime();
        mesh.denyTheClient("bench-deny");
        long applied = System.nanoTime();
        await("the stream is cut").atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(10)).until(() -> !stream.isAlive());
        cutMillis.add((System.nanoTime() - applied) / 1e6);
        applyMillis.add((applied - start) / 1e6);
      }
      Node.kubectl("delete", "accesspolicy", "bench-deny", "-n", mesh.namespace).orThrow();
    }
    write(trials, cutMillis, applyMillis);
    assertThat(cutMillis).hasSize(trials);
  }

  private static void write(int trials, List<Double> cut, List<Double> apply) throws IOException {
    Path out = Path.of("target/bench/live-enforcement.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, """
        | from `kubectl apply` returning to the stream cut (%d trials) | ms |
        |---|---:|
        | p50 | %.0f |
        | p90 | %.0f |
        | p99 | %.0f |
        | max | %.0f |
        | (`kubectl apply` itself, p50) | %.0f |
        """.formatted(trials, quantile(cut, 0.5), quantile(cut, 0.9), quantile(cut, 0.99),
        quantile(cut, 1.0), quantile(apply, 0.5)));
  }

  /** The nearest-rank quantile. */
  private static double quantile(List<Double> values, double q) {
    List<Double> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
