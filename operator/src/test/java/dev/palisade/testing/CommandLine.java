package dev.palisade.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real command-line tool (kubectl, helm, openssl) and captures what it printed. */
public final class CommandLine {

  /** Exit code and both output streams of one run. */
  public record Result(int exitCode, String stdout, String stderr) {
    public boolean succeeded() {
      return exitCode == 0;
    }

    /** stdout, or an exception carrying stderr if the command failed. */
    public String orThrow() {
      if (!succeeded()) {
        throw new IllegalStateException("exit " + exitCode + ": " + stderr);
      }
      return stdout;
    }
  }

  private CommandLine() {}

  public static Result run(List<String> command) {
    try {
      // Files, not pipes: a full stderr pipe must not block the tool while we read stdout.
      Path stdout = Files.createTempFile("cmd", ".out");
      Path stderr = Files.createTempFile("cmd", ".err");
      try {
        Process process = new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException("timed out: " + command);
        }
        return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
            Files.readString(stderr, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
