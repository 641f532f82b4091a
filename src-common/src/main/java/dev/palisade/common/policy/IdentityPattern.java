package dev.palisade.common.policy;

import dev.palisade.common.spiffe.SpiffeId;

/**
 * A peer identity in a policy: an exact SPIFFE ID, a prefix ending in {@code *}
 * ({@code spiffe://cluster.local/ns/shop/*}), or {@code *} for any authenticated peer.
 */
public record IdentityPattern(String pattern) {

  public IdentityPattern {
    if (pattern == null || pattern.isEmpty()) {
      throw new IllegalArgumentException("empty identity pattern");
    }
    int star = pattern.indexOf('*');
    if (star >= 0 && star != pattern.length() - 1) {
      throw new IllegalArgumentException("'*' may only end an identity pattern: " + pattern);
    }
    if (!pattern.equals("*") && !pattern.startsWith(SpiffeId.SCHEME_PREFIX)) {
      throw new IllegalArgumentException("identity patterns are SPIFFE IDs: " + pattern);
    }
  }

  public boolean matches(SpiffeId peer) {
    String id = peer.toString();
    return pattern.endsWith("*")
        ? id.startsWith(pattern.substring(0, pattern.length() - 1))
        : id.equals(pattern);
  }
}
