package dev.palisade.operator.limits;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per source address: {@code burst} requests at once, refilled at
 * {@code perSecond}. The map is bounded (least recently seen source evicted first): an evicted
 * source starts again with a full bucket, which is what an idle one has anyway. TCP sources cannot
 * be spoofed without a handshake, so the address is what a caller cannot escape.
 */
public final class SourceRateLimiter {

  private final int burst;
  private final double perSecond;
  private final Clock clock;
  private final Map<InetAddress, Bucket> buckets;

  private static final class Bucket {
    double tokens;
    long updatedNanos;
  }

  public SourceRateLimiter(int burst, double perSecond, int maxSources, Clock clock) {
    this.burst = burst;
    this.perSecond = perSecond;
    this.clock = clock;
    this.buckets = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
        return size() > maxSources;
      }
    };
  }

  /** Whether a request from {@code source} may go on now; takes a token if so. */
  public boolean tryAcquire(SocketAddress source) {
    InetAddress address = source instanceof InetSocketAddress inet ? inet.getAddress() : null;
    if (address == null) {
      return true; // not a network caller (tests' embedded channels)
    }
    long now = nanos();
    synchronized (buckets) {
      Bucket bucket = buckets.computeIfAbsent(address, a -> {
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

  /** Sources tracked now (bounded by maxSources). */
  public int trackedSources() {
    synchronized (buckets) {
      return buckets.size();
    }
  }

  private long nanos() {
    var instant = clock.instant();
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }
}
