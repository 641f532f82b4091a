package dev.palisade.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A benchmark, run by {@code hack/bench-live-enforcement.sh} only (its name is not a test's):
 * the time from {@code kubectl apply} returning to the live stream it targets being cut, for an
 * AccessPolicy DENY and for a CertificateRevocation of the client's certificate, over
 * {@code -Dbench.trials} trials (20) each in real pods. Each trial opens a stream from the
 * client, applies the object, waits for the cut, undoes it (deletes the DENY; waits for the
 * client's new certificate and deletes the revocation) and waits until the client reaches the
 * server again. Writes {@code target/bench/live-enforcement-*.md}.
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
  void timeFromADenyToTheCut() throws Exception {
    measure("deny", "an AccessPolicy DENY", () -> mesh.denyTheClient("bench-deny"),
        () -> Node.kubectl("delete", "accesspolicy", "bench-deny", "-n", mesh.namespace)
            .orThrow());
  }

  /** Each trial revokes the certificate the client serves then; it renews, and resumes. */
  @Test
  void timeFromARevocationToTheCut() throws Exception {
    AtomicReference<String> revoked = new AtomicReference<>();
    measure("revocation", "a CertificateRevocation of the client's certificate", () -> {
      revoked.set(mesh.proxyIdentity(mesh.pod(mesh.namespace, "client")).serial());
      mesh.apply("""
          apiVersion: palisade.dev/v1alpha1
          kind: CertificateRevocation
          metadata: {name: bench-%1$s}
          spec: {trustDomain: cluster.local, serialNumber: "%1$s"}
          """.formatted(revoked.get()));
    }, () -> {
      await("the client renewed").atMost(Duration.ofSeconds(60)).until(() -> !mesh
          .proxyIdentity(mesh.pod(mesh.namespace, "client")).serial().equals(revoked.get()));
      Node.kubectl("delete", "certificaterevocation", "bench-" + revoked.get()).orThrow();
    });
  }

  /**
   * {@code trials} times: open a stream, {@code cut} it (timed from when that returns to the
   * stream's end), then {@code restore}, and wait until the client reaches the server again.
   */
  private static void measure(String name, String what, Runnable cut, Runnable restore)
      throws IOException {
    int trials = Integer.getInteger("bench.trials", 20);
    List<Double> cutMillis = new ArrayList<>();
    List<Double> applyMillis = new ArrayList<>();
    for (int trial = 0; trial < trials; trial++) {
      await("the client reaches the server").atMost(Duration.ofSeconds(60)).until(() ->
          mesh.demoApp(mesh.namespace, "client", "get", mesh.serverUrl()).succeeded());
      try (HeldStream stream = HeldStream.open(mesh, "client", Duration.ofSeconds(120))) {
        long start = System.nanoTime();
        cut.run();
        long applied = System.nanoTime();
        await("the stream is cut").atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(10)).until(() -> !stream.isAlive());
        cutMillis.add((System.nanoTime() - applied) / 1e6);
        applyMillis.add((applied - start) / 1e6);
      }
      restore.run();
    }
    write(name, what, trials, cutMillis, applyMillis);
    assertThat(cutMillis).hasSize(trials);
  }

  private static void write(String name, String what, int trials, List<Double> cut,
      List<Double> apply) throws IOException {
    Path out = Path.of("target/bench/live-enforcement-" + name + ".md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, """
        | %s: from `kubectl apply` returning to the stream cut (%d trials) | ms |
        |---|---:|
        | p50 | %.0f |
        | p90 | %.0f |
        | p99 | %.0f |
        | max | %.0f |
        | (`kubectl apply` itself, p50) | %.0f |
        """.formatted(what, trials, quantile(cut, 0.5), quantile(cut, 0.9), quantile(cut, 0.99),
        quantile(cut, 1.0), quantile(apply, 0.5)));
  }

  /** The nearest-rank quantile. */
  private static double quantile(List<Double> values, double q) {
    List<Double> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
