package dev.palisade.common.policy;

import java.util.List;

/**
 * The outcome of checking one connection against a workload's access rules.
 *
 * @param allowed whether the connection may proceed
 * @param decidedBy the policy that decided ({@code namespace/name}), or null for the default
 * @param audited AUDIT policies that matched (the connection is recorded, not affected)
 */
public record Authorization(boolean allowed, String decidedBy, List<String> audited) {

  public Authorization {
    audited = List.copyOf(audited);
  }

  /** The metric label: {@code allow}, {@code deny}, or {@code audit} (allowed, audit matched). */
  public String decision() {
    if (!allowed) {
      return "deny";
    }
    return audited.isEmpty() ? "allow" : "audit";
  }
}
