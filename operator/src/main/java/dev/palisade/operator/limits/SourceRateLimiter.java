package dev.palisade.operator.limits;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;

/**
 * A token bucket per source IP address ({@link KeyedTokenBuckets}). TCP sources cannot be spoofed
 * without a handshake, so the address is what a caller cannot escape.
 */
public final class SourceRateLimiter {

  private final KeyedTokenBuckets<InetAddress> buckets;

  public SourceRateLimiter(int burst, double perSecond, int maxSources, Clock clock) {
    this.buckets = new KeyedTokenBuckets<>(burst, perSecond, maxSources, clock);
  }

  /** Whether a request from {@code source} may go on now; takes a token if so. */
  public boolean tryAcquire(SocketAddress source) {
    InetAddress address = source instanceof InetSocketAddress inet ? inet.getAddress() : null;
    return address == null || buckets.tryAcquire(address); // null: an embedded test channel
  }

  /** Sources tracked now (bounded by maxSources). */
  public int trackedSources() {
    return buckets.trackedKeys();
  }
}
