package dev.palisade.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One TCP connection from a meshed client to the server's echo port, held by {@code demo-app
 * stream} (a line every 100 ms, each echo checked) while a test does something else: what that
 * something must not break.
 */
final class HeldStream implements AutoCloseable {

  private static final String ACTIVE = "palisade_connections_active{direction=\"inbound\"}";

  private final Process process;
  private final Path log;
  private final Duration duration;

  private HeldStream(Process process, Path log, Duration duration) {
    this.process = process;
    this.log = log;
    this.duration = duration;
  }

  /** Opens it from the app of Deployment {@code client} and waits until the server has it. */
  static HeldStream open(MeshFixture mesh, String client, Duration duration) throws IOException {
    Path log = Files.createTempFile("stream", ".log");
    Process process = Node.kubectlInBackground(log, "exec", "-n", mesh.namespace,
        "deploy/" + client, "-c", "app", "--", "/demo-app", "stream", mesh.serverEcho(),
        duration.toSeconds() + "s");
    HeldStream stream = new HeldStream(process, log, duration);
    Pod server = mesh.pod(mesh.namespace, "server");
    await("the stream's connection at the server").atMost(Duration.ofSeconds(20))
        .until(() -> mesh.proxyMetric(server, ACTIVE) >= 1 || !process.isAlive());
    assertThat(process.isAlive()).as("stream running: %s", Files.readString(log)).isTrue();
    return stream;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for its end: every round trip answered, on the one connection, for the duration. */
  void assertUnbroken() throws IOException, InterruptedException {
    assertThat(process.waitFor(duration.toSeconds() + 30, TimeUnit.SECONDS))
        .as("stream finished").isTrue();
    assertThat(Files.readString(log)).contains("no error");
    assertThat(process.exitValue()).isZero();
  }

  @Override
  public void close() throws IOException {
    process.destroyForcibly();
    Files.deleteIfExists(log);
  }
}
