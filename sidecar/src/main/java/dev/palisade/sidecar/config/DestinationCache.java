package dev.palisade.sidecar.config;

import dev.palisade.common.config.DestinationDocument;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The sidecar's answers from {@code /v1/destinations}, by {@code ip:port}: bounded (least
 * recently used out first, so it never grows with the cluster) and aged by each answer's
 * {@code maxAgeSeconds}. Expired answers are kept: when the operator cannot be asked, a stale
 * answer is still better than guessing (docs/config-service.md). Thread-safe.
 */
final class DestinationCache {

  /** An answer and when it stops being fresh. */
  record Entry(DestinationDocument answer, Instant freshUntil) {
    boolean freshAt(Instant now) {
      return now.isBefore(freshUntil);
    }
  }

  private final Map<String, Entry> entries;

  DestinationCache(int capacity) {
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, DestinationCache.Entry> eldest) {
        return size() > capacity;
      }
    };
  }

  static String key(String ip, int port) {
    return ip + ":" + port;
  }

  synchronized Optional<Entry> get(String key) {
    return Optional.ofNullable(entries.get(key));
  }

  synchronized Entry put(String key, DestinationDocument answer, Instant now) {
    Entry entry = new Entry(answer, now.plusSeconds(Math.max(0, answer.maxAgeSeconds())));
    entries.put(key, entry);
    return entry;
  }

  /** Forgets an answer that proved wrong (the server presented another identity). */
  synchronized void remove(String key) {
    entries.remove(key);
  }

  synchronized int size() {
    return entries.size();
  }
}
