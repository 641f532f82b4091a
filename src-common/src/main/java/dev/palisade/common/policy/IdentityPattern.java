package dev.palisade.common.policy;

import dev.palisade.common.spiffe.InvalidSpiffeIdException;
import dev.palisade.common.spiffe.SpiffeId;

/**
 * A peer identity in a policy: an exact SPIFFE ID, a path ending in a whole {@code /*} segment
 * ({@code spiffe://cluster.local/ns/shop/*}: every ID below it), or {@code *} for any
 * authenticated peer. A wildcard never matches part of a segment: {@code ns/team-a*} would
 * match namespace {@code team-a-evil}, which whoever wrote the rule did not mean.
 */
public record IdentityPattern(String pattern) {

  public IdentityPattern {
    if (pattern == null || pattern.isEmpty()) {
      throw new IllegalArgumentException("empty identity pattern");
    }
    if (!pattern.equals("*")) {
      requireSpiffePattern(pattern);
    }
  }

  private static void requireSpiffePattern(String pattern) {
    if (!pattern.startsWith(SpiffeId.SCHEME_PREFIX)) {
      throw new IllegalArgumentException("identity patterns are SPIFFE IDs: " + pattern);
    }
    int star = pattern.indexOf('*');
    if (star >= 0 && (star != pattern.length() - 1 || !pattern.endsWith("/*"))) {
      throw new IllegalArgumentException("'*' may only end an identity pattern, as a whole path"
          + " segment (spiffe://td/ns/shop/*): " + pattern);
    }
    try {
      SpiffeId.parse(star >= 0 ? pattern.substring(0, star - 1) : pattern);
    } catch (InvalidSpiffeIdException e) {
      throw new IllegalArgumentException("identity pattern " + pattern + ": " + e.getMessage(), e);
    }
  }

  public boolean matches(SpiffeId peer) {
    String id = peer.toString();
    if (pattern.equals("*")) {
      return true;
    }
    // "spiffe://td/ns/shop/*" keeps its final '/', so the prefix ends on a segment boundary.
    return pattern.endsWith("/*")
        ? id.startsWith(pattern.substring(0, pattern.length() - 1))
        : id.equals(pattern);
  }
}
