package dev.palisade.operator.policy;

import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.api.v1alpha1.MeshPolicy;
import dev.palisade.api.v1alpha1.PolicyStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a policy's status says: the workloads it selects and whether it is in effect, with the
 * reason. Pure: reconcilers pass the policies and workloads they see.
 *
 * @param selected keys ({@code namespace/name}) of the live injected workloads it selects, sorted
 * @param ready whether the policy is in effect for every workload it selects
 * @param reason {@code Applied}, {@code Overridden}, {@code InvalidSelector} or {@code InvalidRule}
 */
public record PolicyVerdict(List<String> selected, boolean ready, String reason, String message) {

  public static final String APPLIED = "Applied";
  public static final String OVERRIDDEN = "Overridden";
  public static final String INVALID_SELECTOR = "InvalidSelector";
  public static final String INVALID_RULE = "InvalidRule";

  public PolicyVerdict {
    selected = selected.stream().sorted().toList();
  }

  /** The names a status lists: the first {@link PolicyStatus#MAX_LISTED_WORKLOADS}. */
  public List<String> listed() {
    return selected.subList(0, Math.min(selected.size(), PolicyStatus.MAX_LISTED_WORKLOADS));
  }

  /**
   * The verdict on a MeshPolicy.
   *
   * @param workloadsIn the live injected workloads of a namespace
   * @param allWorkloads every live injected workload (for mesh-wide policies)
   */
  public static PolicyVerdict of(MeshPolicy policy, PolicySnapshot snapshot,
      Function<String, Collection<Workload>> workloadsIn,
      Supplier<Collection<Workload>> allWorkloads) {
    Optional<String> problem = Selectors.problem(policy.getSpec().selector);
    if (problem.isPresent()) {
      return new PolicyVerdict(List.of(), false, INVALID_SELECTOR, problem.get()
          + "; the policy applies to no workload until this is fixed");
    }
    MeshLevel level = snapshot.levelOf(policy);
    Collection<Workload> scope = level == MeshLevel.MESH ? allWorkloads.get()
        : workloadsIn.apply(policy.getMetadata().getNamespace());
    List<String> selected = new ArrayList<>();
    Map<String, Integer> lostTo = new LinkedHashMap<>();
    for (Workload workload : scope) {
      if (!workload.live() || !workload.injected() || !PolicyCompiler.applies(policy, workload)) {
        continue;
      }
      selected.add(workload.key());
      PolicyCompiler.resolveMesh(snapshot, workload).winner(level)
          .filter(winner -> !PolicySnapshot.key(winner).equals(PolicySnapshot.key(policy)))
          .ifPresent(winner -> lostTo.merge(PolicySnapshot.key(winner), 1, Integer::sum));
    }
    if (level != MeshLevel.WORKLOAD) {
      // Two policies for the same namespace (or the mesh) conflict even before any pod exists.
      Optional<MeshPolicy> older = snapshot.meshPolicies(policy.getMetadata().getNamespace())
          .stream()
          .filter(p -> snapshot.levelOf(p) == level && Selectors.problem(p.getSpec().selector).isEmpty())
          .findFirst()
          .filter(first -> !PolicySnapshot.key(first).equals(PolicySnapshot.key(policy)));
      if (older.isPresent()) {
        return new PolicyVerdict(selected, false, OVERRIDDEN, "MeshPolicy "
            + PolicySnapshot.key(older.get()) + " is older and also " + level.description()
            + (level == MeshLevel.MESH ? "" : " for namespace " + policy.getMetadata().getNamespace())
            + "; at each level the oldest MeshPolicy wins, so this one is not in effect."
            + " Merge the two, or delete one");
      }
    } else if (!lostTo.isEmpty()) {
      int lost = lostTo.values().stream().mapToInt(Integer::intValue).sum();
      return new PolicyVerdict(selected, false, OVERRIDDEN, "not in effect for " + lost + " of the "
          + selected.size() + " workloads it selects: older workload MeshPolicies also select them ("
          + String.join(", ", lostTo.keySet()) + "), and at each level the oldest wins."
          + " Make the selectors disjoint, or merge the policies");
    }
    return new PolicyVerdict(selected, true, APPLIED, applied(selected.size(),
        "as the " + level.description() + " mTLS policy"));
  }

  /** The verdict on an AccessPolicy (of the namespace whose workloads are given). */
  public static PolicyVerdict of(AccessPolicy policy, Collection<Workload> workloadsOfNamespace) {
    List<String> selected = workloadsOfNamespace.stream()
        .filter(w -> w.live() && w.injected() && PolicyCompiler.selects(policy, w))
        .map(Workload::key)
        .toList();
    Optional<String> selectorProblem = Selectors.problem(policy.getSpec().selector);
    if (selectorProblem.isPresent()) {
      return new PolicyVerdict(selected, false, INVALID_SELECTOR, selectorProblem.get()
          + "; until this is fixed the policy applies to every workload of the namespace"
          + " (fail closed)");
    }
    Optional<String> ruleProblem = PolicyCompiler.ruleProblem(policy);
    if (ruleProblem.isPresent()) {
      return new PolicyVerdict(selected, false, INVALID_RULE, "spec.rules: " + ruleProblem.get()
          + "; until this is fixed the policy fails closed (a DENY refuses every connection,"
          + " an ALLOW admits none)");
    }
    return new PolicyVerdict(selected, true, APPLIED, applied(selected.size(),
        "with action " + policy.getSpec().action));
  }

  private static String applied(int count, String how) {
    return count == 0
        ? "Selects no workloads with the Palisade proxy yet; it will apply to them " + how
        : "In effect for " + count + (count == 1 ? " workload, " : " workloads, ") + how;
  }
}
