package dev.palisade.api.v1alpha1;

/** What an AccessPolicy does with the connections its rules match. */
public enum PolicyAction {
  /** Permit matches; once any ALLOW policy selects a workload, everything not allowed is denied. */
  ALLOW,
  /** Refuse matches; evaluated before ALLOW. */
  DENY,
  /** Permit, but record the match in metrics; for trying a rule before enforcing it. */
  AUDIT
}
