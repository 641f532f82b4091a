package dev.palisade.sidecar.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code openssl s_client} against a port, bounded by a timeout. */
public final class Openssl {

  /** What s_client printed (stdout and stderr together) and how it ended. */
  public record Result(int exitCode, String output, boolean timedOut) {}

  private Openssl() {}

  /**
   * {@code openssl s_client -connect 127.0.0.1:<port> -ign_eof <args>}, with {@code input} on
   * stdin: -ign_eof keeps it reading until the server closes, so the output shows what the
   * server sent (or why it refused).
   */
  public static Result sClient(int port, List<String> args, String input, Path workDir,
      Duration timeout) {
    List<String> withIgnEof = new ArrayList<>(List.of("-ign_eof"));
    withIgnEof.addAll(args);
    return run(port, withIgnEof, input, workDir, timeout);
  }

  /** Handshakes, prints the session, and leaves at once (stdin is empty): to see the server. */
  public static Result handshake(int port, List<String> args, Path workDir, Duration timeout) {
    return run(port, args, "", workDir, timeout);
  }

  private static Result run(int port, List<String> args, String input, Path workDir,
      Duration timeout) {
    List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect",
        "127.0.0.1:" + port));
    command.addAll(args);
    try {
      Path output = Files.createTempFile(workDir, "s_client", ".out");
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .start();
      try (OutputStream stdin = process.getOutputStream()) {
        stdin.write(input.getBytes(StandardCharsets.US_ASCII));
      } catch (IOException e) {
        // s_client may already have exited (refused): its output says why
      }
      boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      return new Result(finished ? process.exitValue() : -1,
          Files.readString(output, StandardCharsets.ISO_8859_1), !finished);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
