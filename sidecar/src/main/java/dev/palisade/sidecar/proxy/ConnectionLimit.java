package dev.palisade.sidecar.proxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * How many connections the proxy accepts at once. Each costs memory outside the Java heap
 * (BoringSSL's state and buffers: 23–29 KiB, measured in a memory cgroup by
 * hack/bench-proxy-memory.sh, docs/benchmarks.md), so a proxy in a container with a memory limit
 * refuses new connections (reason {@code overloaded}) before the kernel would OOM-kill it and
 * drop all of them.
 */
final class ConnectionLimit {

  /**
   * What the proxy needs before its connections, with headroom: the cgroup's peak was 51–52 MiB
   * with one connection, and a line through 1,000–4,000 connections meets zero at 58 MiB.
   */
  static final long BASE_BYTES = 64L * 1024 * 1024;
  /** Per connection, rounded up from the measured 23–29 KiB. */
  static final long PER_CONNECTION_BYTES = 32L * 1024;
  /** Never fewer than this, whatever the limit: a proxy that takes nothing is no proxy. */
  static final int MINIMUM = 256;

  /** cgroup v2 in the container's namespace, then v1. */
  private static final List<Path> LIMIT_FILES = List.of(Path.of("/sys/fs/cgroup/memory.max"),
      Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes"));

  private ConnectionLimit() {}

  /** For a memory limit in bytes: 0 (no limit) when there is none or it is effectively unlimited. */
  static int forMemoryLimit(OptionalLong limitBytes) {
    if (limitBytes.isEmpty() || limitBytes.getAsLong() >= (1L << 50)) {
      return 0;
    }
    long budget = (limitBytes.getAsLong() - BASE_BYTES) / PER_CONNECTION_BYTES;
    return (int) Math.max(MINIMUM, Math.min(Integer.MAX_VALUE, budget));
  }

  /** From this process's memory cgroup; 0 (no limit) outside one or when unreadable. */
  static int fromCgroup() {
    return forMemoryLimit(cgroupMemoryLimit());
  }

  private static OptionalLong cgroupMemoryLimit() {
    for (Path file : LIMIT_FILES) {
      try {
        String value = Files.readString(file).strip();
        return value.equals("max") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(value));
      } catch (IOException | NumberFormatException e) {
        // not this cgroup version
      }
    }
    return OptionalLong.empty();
  }
}
