package dev.palisade.operator.reconciler.policy;

import dev.palisade.api.v1alpha1.PolicyStatus;
import dev.palisade.operator.kube.Conditions;
import dev.palisade.operator.policy.PolicyVerdict;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a {@link PolicyVerdict} into a policy's status, and patches it only when it changed, so
 * that pod churn that changes nothing a status shows causes no writes.
 */
final class PolicyStatusUpdate {

  private final Conditions conditions;

  PolicyStatusUpdate(Clock clock) {
    this.conditions = new Conditions(clock);
  }

  <P extends CustomResource<?, PolicyStatus>> UpdateControl<P> apply(P policy,
      PolicyVerdict verdict) {
    PolicyStatus previous = Optional.ofNullable(policy.getStatus()).orElseGet(PolicyStatus::new);
    long generation = policy.getMetadata().getGeneration();
    PolicyStatus next = new PolicyStatus();
    next.observedGeneration = generation;
    next.selectedWorkloads = verdict.selected().size();
    next.workloads = verdict.listed().isEmpty() ? null : verdict.listed();
    next.conditions = conditions.set(previous.conditions == null ? java.util.List.of()
        : previous.conditions, Conditions.READY, verdict.ready(), verdict.reason(),
        verdict.message(), generation);
    if (same(previous, next)) {
      return UpdateControl.noUpdate();
    }
    policy.setStatus(next);
    return UpdateControl.patchStatus(policy);
  }

  private static boolean same(PolicyStatus a, PolicyStatus b) {
    return Objects.equals(a.observedGeneration, b.observedGeneration)
        && Objects.equals(a.selectedWorkloads, b.selectedWorkloads)
        && Objects.equals(emptyToNull(a.workloads), emptyToNull(b.workloads))
        && Objects.equals(a.conditions, b.conditions);
  }

  private static <T> java.util.List<T> emptyToNull(java.util.List<T> list) {
    return list == null || list.isEmpty() ? null : list;
  }
}
