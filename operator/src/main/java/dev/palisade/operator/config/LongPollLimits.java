package dev.palisade.operator.config;

/**
 * How many long-polls a replica holds: in all, per caller identity (SPIFFE ID) and per source
 * address, so one workload, or one node's worth of callers behind one address, cannot take every
 * slot. The total is sized from the heap the JVM may use (the container's memory limit, through
 * {@code -XX:MaxRAMPercentage}), not fixed: a held poll costs a channel, its buffers and a
 * future, budgeted at {@link #BYTES_PER_POLL}, and long-polls may use half of the heap (the rest
 * is the pod index, policies and informers: under 100 MiB at 10,000 pods, docs/benchmarks.md).
 *
 * @param total held at once on this replica
 * @param perIdentity held at once by one SPIFFE ID (all its pods)
 * @param perSource held at once from one IP address
 */
public record LongPollLimits(int total, int perIdentity, int perSource) {

  /** What one held long-poll costs, generously: Netty channel, TLS session, buffers, future. */
  static final long BYTES_PER_POLL = 16 * 1024;
  static final int MIN_TOTAL = 1_000;
  static final int MAX_TOTAL = 200_000;

  /** {@code total}, with a quarter of it per identity and a sixteenth per source (16 at least). */
  public static LongPollLimits of(int total) {
    return new LongPollLimits(total, Math.max(16, total / 4), Math.max(16, total / 16));
  }

  /** Sized for a heap of {@code maxHeapBytes} ({@link Runtime#maxMemory()}). */
  public static LongPollLimits forHeap(long maxHeapBytes) {
    long fits = maxHeapBytes / 2 / BYTES_PER_POLL;
    return of((int) Math.clamp(fits, MIN_TOTAL, MAX_TOTAL));
  }

  /** Sized for this JVM's heap. */
  public static LongPollLimits forThisJvm() {
    return forHeap(Runtime.getRuntime().maxMemory());
  }
}
