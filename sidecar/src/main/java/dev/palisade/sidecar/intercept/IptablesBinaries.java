package dev.palisade.sidecar.intercept;

import dev.palisade.sidecar.intercept.Iptables.IptablesException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs iptables-save and iptables-restore (or their ip6tables twins) as child processes, without
 * temporary files.
 */
final class IptablesBinaries implements Iptables {

  private static final long TIMEOUT_SECONDS = 30;

  private final IpFamily family;

  IptablesBinaries(IpFamily family) {
    this.family = family;
  }

  @Override
  public String save(String table) throws IptablesException {
    return run(List.of(binary(family.tool() + "-save"), "-t", table), "");
  }

  @Override
  public void restore(String script) throws IptablesException {
    // --wait: with the legacy backend another process may hold the xtables lock for a moment.
    run(List.of(binary(family.tool() + "-restore"), "--noflush", "--wait", "10"), script);
  }

  private static String binary(String name) throws IptablesException {
    String path = System.getenv().getOrDefault("PATH", "");
    // Init images often have PATH without the sbin directories iptables lives in.
    List<String> dirs = new ArrayList<>(List.of(path.split(":")));
    dirs.addAll(List.of("/usr/sbin", "/sbin"));
    return dirs.stream()
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, name))
        .filter(Files::isExecutable)
        .findFirst()
        .map(Path::toString)
        .orElseThrow(() -> new IptablesException(name + " not found on PATH, /usr/sbin or /sbin; "
            + "the init image needs the iptables package"));
  }

  private static String run(List<String> command, String stdin) throws IptablesException {
    Process process;
    try {
      process = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new IptablesException("cannot run " + String.join(" ", command) + ": " + e.getMessage());
    }
    // Drain both pipes concurrently: a full pipe would block the child while we wait for it.
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    Thread drainOut = Thread.ofVirtual().start(() -> copy(process.getInputStream(), stdout));
    Thread drainErr = Thread.ofVirtual().start(() -> copy(process.getErrorStream(), stderr));
    String shown = String.join(" ", command);
    try {
      try (OutputStream in = process.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IptablesException(shown + " did not finish within " + TIMEOUT_SECONDS + "s");
      }
      drainOut.join();
      drainErr.join();
    } catch (IOException e) {
      process.destroyForcibly();
      throw new IptablesException("talking to " + shown + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IptablesException("interrupted while running " + shown);
    }
    if (process.exitValue() != 0) {
      String why = stderr.toString(StandardCharsets.UTF_8).strip();
      throw new IptablesException(shown + " failed (exit " + process.exitValue() + "): " + why
          + (why.contains("Permission denied") || why.contains("Operation not permitted")
              ? " (the init container needs the NET_ADMIN and NET_RAW capabilities)" : ""));
    }
    return stdout.toString(StandardCharsets.UTF_8);
  }

  private static void copy(InputStream from, OutputStream to) {
    try (from) {
      from.transferTo(to);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
