package dev.palisade.operator.policy;

/**
 * Where a MeshPolicy applies, most specific first. A more specific level overrides a less
 * specific one; see docs/policy.md.
 */
public enum MeshLevel {
  /** A policy with a selector: the workloads it selects in its namespace. */
  WORKLOAD("workload"),
  /** A policy without a selector, outside the operator's namespace: its whole namespace. */
  NAMESPACE("namespace-wide"),
  /** A policy without a selector in the operator's namespace: every namespace. */
  MESH("mesh-wide");

  private final String description;

  MeshLevel(String description) {
    this.description = description;
  }

  /** How statuses name the level: {@code workload}, {@code namespace-wide}, {@code mesh-wide}. */
  public String description() {
    return description;
  }
}
