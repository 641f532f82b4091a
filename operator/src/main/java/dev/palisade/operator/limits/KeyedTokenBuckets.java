package dev.palisade.operator.limits;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per key: {@code burst} at once, refilled at {@code perSecond}. The map is bounded
 * (least recently seen key evicted first): an evicted key starts again with a full bucket, which
 * is what an idle one has anyway.
 *
 * @param <K> what is limited: a source address, a namespace
 */
public final class KeyedTokenBuckets<K> {

  private final int burst;
  private final double perSecond;
  private final Clock clock;
  private final Map<K, Bucket> buckets;

  private static final class Bucket {
    double tokens;
    long updatedNanos;
  }

  public KeyedTokenBuckets(int burst, double perSecond, int maxKeys, Clock clock) {
    this.burst = burst;
    this.perSecond = perSecond;
    this.clock = clock;
    this.buckets = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, Bucket> eldest) {
        return size() > maxKeys;
      }
    };
  }

  /** Whether {@code key} may go on now; takes a token if so. */
  public boolean tryAcquire(K key) {
    var instant = clock.instant();
    long now = instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    synchronized (buckets) {
      Bucket bucket = buckets.computeIfAbsent(key, k -> {
        Bucket fresh = new Bucket();
        fresh.tokens = burst;
        fresh.updatedNanos = now;
        return fresh;
      });
      bucket.tokens = Math.min(burst,
          bucket.tokens + (now - bucket.updatedNanos) / 1e9 * perSecond);
      bucket.updatedNanos = now;
      if (bucket.tokens < 1) {
        return false;
      }
      bucket.tokens -= 1;
      return true;
    }
  }

  /** Keys tracked now (bounded by maxKeys). */
  public int trackedKeys() {
    synchronized (buckets) {
      return buckets.size();
    }
  }
}
