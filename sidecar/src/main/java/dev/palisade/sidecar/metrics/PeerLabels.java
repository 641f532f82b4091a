package dev.palisade.sidecar.metrics;

import dev.palisade.common.spiffe.SpiffeId;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code peer} label's values, bounded per proxy: the first {@code limit} distinct SPIFFE IDs
 * this proxy verifies keep their own value for the life of the process, later ones are counted as
 * {@link #OTHER}. Only identities whose chains were verified against the trust bundle become a
 * value (a pod cannot make this proxy mint series by presenting names), and the set never shrinks,
 * so a series, once exported, stays (counters must not vanish and reappear).
 */
public final class PeerLabels {

  /** Plaintext connections: no identity. */
  public static final String PLAINTEXT = "plaintext";
  /** Refused before an identity was verified (handshake failed, chain untrusted, timeout...). */
  public static final String UNKNOWN = "unknown";
  /** Verified identities beyond the limit. */
  public static final String OTHER = "other";
  /** Distinct identities a proxy labels by default: a pod talks to a few dozen at most. */
  public static final int DEFAULT_LIMIT = 100;

  private final int limit;
  private final Set<String> labelled = ConcurrentHashMap.newKeySet();

  public PeerLabels(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("the peer label limit must not be negative: " + limit);
    }
    this.limit = limit;
  }

  public int limit() {
    return limit;
  }

  /** The label for a verified peer: its SPIFFE ID, or {@link #OTHER} past the limit. */
  public String of(SpiffeId peer) {
    String id = peer.toString();
    if (labelled.contains(id)) {
      return id;
    }
    synchronized (labelled) {
      if (labelled.contains(id) || labelled.size() < limit) {
        labelled.add(id);
        return id;
      }
    }
    return OTHER;
  }
}
