package dev.palisade.sidecar.proxy;

/**
 * How many event loops serve connections: as asked; else one per CPU the container requested
 * (a JVM without a CPU limit counts the node's CPUs, 64 on a large node, where the chart asks
 * for 100m: every loop is a thread with its stack and buffers, for nothing); else one per CPU.
 * Pure.
 */
final class EventLoopCount {
  private EventLoopCount() {}

  /**
   * @param asked {@code --worker-threads}; 0 or less: not asked
   * @param cpuRequestMillicores {@code --cpu-request}; null or 0: unknown (no request)
   * @param processors what the JVM counts
   */
  static int of(int asked, Integer cpuRequestMillicores, int processors) {
    if (asked > 0) {
      return asked;
    }
    if (cpuRequestMillicores == null || cpuRequestMillicores <= 0) {
      return processors;
    }
    int requested = (int) Math.ceil(cpuRequestMillicores / 1000.0);
    return Math.max(1, Math.min(requested, processors));
  }
}
