package dev.palisade.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real kubectl binary against the test control plane. */
public final class Kubectl {

  /** Exit code and both output streams of one kubectl run. */
  public record Result(int exitCode, String stdout, String stderr) {
    public boolean succeeded() {
      return exitCode == 0;
    }
  }

  private final ControlPlane controlPlane;

  public Kubectl(ControlPlane controlPlane) {
    this.controlPlane = controlPlane;
  }

  public Result run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(controlPlane.binaries().resolve("kubectl").toString());
    command.add("--kubeconfig=" + controlPlane.kubeconfig());
    command.addAll(List.of(args));
    try {
      // Files, not pipes: a full stderr pipe must not block kubectl while we read stdout.
      Path stdout = Files.createTempFile("kubectl", ".out");
      Path stderr = Files.createTempFile("kubectl", ".err");
      Process process = new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .redirectOutput(stdout.toFile())
          .redirectError(stderr.toFile())
          .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("kubectl timed out: " + command);
      }
      Result result = new Result(process.exitValue(),
          Files.readString(stdout, StandardCharsets.UTF_8),
          Files.readString(stderr, StandardCharsets.UTF_8));
      Files.delete(stdout);
      Files.delete(stderr);
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Result apply(Path file, String namespace) {
    return run("apply", "--namespace=" + namespace, "-f", file.toString());
  }
}
