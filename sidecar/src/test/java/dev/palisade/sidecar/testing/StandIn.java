package dev.palisade.sidecar.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** What the stand-in servers share: how they parse listeners, report their uid, and end. */
final class StandIn {

  /** One listener: {@code name=host:port}. */
  record Listener(String name, String host, int port) {
    static Listener parse(String spec) {
      int eq = spec.indexOf('=');
      int colon = spec.lastIndexOf(':');
      return new Listener(spec.substring(0, eq), spec.substring(eq + 1, colon), Integer.parseInt(spec.substring(colon + 1)));
    }
  }

  private StandIn() {}

  /** The real uid of this process, from /proc: proves the test started it as the uid it meant. */
  static String uid() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(line -> line.startsWith("Uid:"))
          .map(line -> line.split("\\s+")[1])
          .findFirst()
          .orElse("?");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Blocks until the test closes our stdin (or dies), then exits; exits anyway after 10 minutes. */
  static void runUntilStdinCloses() throws IOException {
    Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().unstarted(r))
        .schedule(() -> Runtime.getRuntime().halt(3), 10, TimeUnit.MINUTES);
    while (System.in.read() != -1) {
      // keep reading: nothing is ever sent
    }
    Runtime.getRuntime().halt(0);
  }
}
