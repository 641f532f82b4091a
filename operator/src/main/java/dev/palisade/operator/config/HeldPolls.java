package dev.palisade.operator.config;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the long-polls held per caller identity and per source address against
 * {@link LongPollLimits}. An entry exists only while it holds a poll, so the maps are bounded by
 * the total cap.
 */
final class HeldPolls {

  private final LongPollLimits limits;
  private final ConcurrentMap<String, AtomicInteger> byIdentity = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, AtomicInteger> bySource = new ConcurrentHashMap<>();

  HeldPolls(LongPollLimits limits) {
    this.limits = limits;
  }

  /** A slot for {@code identity} from {@code source}; run the returned action to release it. */
  Optional<Runnable> tryHold(String identity, SocketAddress source) {
    String address = source instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress().getHostAddress() : "local";
    if (!take(byIdentity, identity, limits.perIdentity())) {
      return Optional.empty();
    }
    if (!take(bySource, address, limits.perSource())) {
      give(byIdentity, identity);
      return Optional.empty();
    }
    return Optional.of(() -> {
      give(byIdentity, identity);
      give(bySource, address);
    });
  }

  int heldBy(String identity) {
    AtomicInteger count = byIdentity.get(identity);
    return count == null ? 0 : count.get();
  }

  private static boolean take(ConcurrentMap<String, AtomicInteger> counts, String key, int cap) {
    boolean[] taken = {false};
    counts.compute(key, (k, count) -> {
      AtomicInteger current = count != null ? count : new AtomicInteger();
      if (current.get() < cap) {
        current.incrementAndGet();
        taken[0] = true;
      }
      return current.get() == 0 ? null : current;
    });
    return taken[0];
  }

  private static void give(ConcurrentMap<String, AtomicInteger> counts, String key) {
    counts.computeIfPresent(key, (k, count) -> count.decrementAndGet() == 0 ? null : count);
  }
}
