package dev.palisade.sidecar.testing;

import dev.palisade.testing.CommandLine;
import dev.palisade.testing.CommandLine.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A network namespace made for one test run ({@code ip netns add}): run commands in it, as root
 * or as another uid, and start background processes in it. {@link #close()} stops those processes
 * and deletes the namespace, which also deletes its veth end and its iptables rules.
 */
public final class NetworkNamespace implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final String name;
  private final List<Process> processes = new CopyOnWriteArrayList<>();

  private NetworkNamespace(String name) {
    this.name = name;
  }

  /** Creates the namespace with its loopback up. */
  public static NetworkNamespace create(String name) {
    host("ip", "netns", "add", name).orThrow();
    NetworkNamespace namespace = new NetworkNamespace(name);
    namespace.exec("ip", "link", "set", "lo", "up").orThrow();
    return namespace;
  }

  public String name() {
    return name;
  }

  public Result exec(String... command) {
    return exec(List.of(command));
  }

  public Result exec(List<String> command) {
    return host(inside(command));
  }

  /** Runs {@code command} in the namespace as {@code uid} (gid the same, no supplementary groups). */
  public Result execAs(int uid, List<String> command) {
    return exec(as(uid, command));
  }

  /**
   * Starts {@code command} in the namespace in the background, its output to {@code log}. Its stdin
   * stays open until {@link #close()}: the stand-ins exit when it closes, so they also end if
   * this JVM dies.
   */
  public Process start(List<String> command, Path log) {
    try {
      Process process = new ProcessBuilder(inside(command))
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      processes.add(process);
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code command} prefixed to run as {@code uid}: the way the proxy container runs. */
  public static List<String> as(int uid, List<String> command) {
    List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups"));
    full.addAll(command);
    return full;
  }

  /** Stops the background processes, then deletes the namespace. Safe to call twice. */
  @Override
  public void close() {
    for (Process process : processes) {
      stop(process);
    }
    processes.clear();
    Result deleted = host("ip", "netns", "del", name);
    if (!deleted.succeeded() && !deleted.stderr().contains("No such file")) {
      throw new IllegalStateException("could not delete network namespace " + name + ": " + deleted.stderr());
    }
  }

  private static void stop(Process process) {
    try {
      process.getOutputStream().close();
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private List<String> inside(List<String> command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
    full.addAll(command);
    return full;
  }

  public static Result host(String... command) {
    return host(List.of(command));
  }

  /** Runs a command on the host (outside any test namespace), bounded by a timeout. */
  public static Result host(List<String> command) {
    return CommandLine.runWithin(command, TIMEOUT);
  }

  /**
   * Fails the test class unless network namespaces can be made here (root): CI runs as root, so
   * a skipped namespace test would hide a broken machine. {@code -Dpalisade.tests.root=optional}
   * turns the failure into a skip for a developer without root.
   */
  public static void requireNamespaces() {
    String probe = "pal-probe-" + ProcessHandle.current().pid();
    Result created = host("ip", "netns", "add", probe);
    host("ip", "netns", "del", probe);
    if (created.succeeded()) {
      return;
    }
    String why = "network namespaces cannot be created here (these tests need root): ip netns add"
        + " said: " + created.stderr().strip();
    if ("optional".equals(System.getProperty("palisade.tests.root"))) {
      Assumptions.abort(why);
    }
    throw new AssertionError(why + ". Run as root, or pass -Dpalisade.tests.root=optional to skip"
        + " them.");
  }
}
