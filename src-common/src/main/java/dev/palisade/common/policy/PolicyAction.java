package dev.palisade.common.policy;

/** What an access rule does with the connections it matches. */
public enum PolicyAction {
  ALLOW,
  DENY,
  AUDIT
}
