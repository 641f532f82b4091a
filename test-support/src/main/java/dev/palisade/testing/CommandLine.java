package dev.palisade.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real command-line tool (kubectl, helm, openssl, ip) and captures what it printed. */
public final class CommandLine {

  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

  /** Exit code and both output streams of one run; {@code timedOut} if it was killed. */
  public record Result(int exitCode, String stdout, String stderr, boolean timedOut) {
    public boolean succeeded() {
      return !timedOut && exitCode == 0;
    }

    /** Everything it printed, stdout then stderr. */
    public String output() {
      return stdout + stderr;
    }

    /** stdout, or an exception carrying stderr if the command failed. */
    public String orThrow() {
      if (!succeeded()) {
        throw new IllegalStateException((timedOut ? "timed out" : "exit " + exitCode) + ": "
            + stderr + stdout);
      }
      return stdout;
    }
  }

  private CommandLine() {}

  /** Runs {@code command} with no input; a run over two minutes is an error. */
  public static Result run(List<String> command) {
    return runWithin(command, DEFAULT_TIMEOUT);
  }

  public static Result run(String... command) {
    return run(List.of(command));
  }

  /** Runs {@code command} with no input; a run over {@code timeout} is an error. */
  public static Result runWithin(List<String> command, Duration timeout) {
    Result result = run(command, "", timeout);
    if (result.timedOut()) {
      throw new IllegalStateException("timed out after " + timeout.toSeconds() + "s: " + command);
    }
    return result;
  }

  /**
   * Runs {@code command} with {@code stdin} as its input (closed after it), killing it after
   * {@code timeout}: the result then says {@code timedOut} with what it printed until then.
   */
  public static Result run(List<String> command, String stdin, Duration timeout) {
    try {
      // Files, not pipes: a full stderr pipe must not block the tool while we read stdout.
      Path stdout = Files.createTempFile("cmd", ".out");
      Path stderr = Files.createTempFile("cmd", ".err");
      try {
        Process process = new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
        try (OutputStream input = process.getOutputStream()) {
          input.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          // it may have exited before reading its input; what it printed says why
        }
        boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        return new Result(finished ? process.exitValue() : -1,
            Files.readString(stdout, StandardCharsets.UTF_8),
            Files.readString(stderr, StandardCharsets.UTF_8), !finished);
      } finally {
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
