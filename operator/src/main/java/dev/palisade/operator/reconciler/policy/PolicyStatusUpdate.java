package dev.palisade.operator.reconciler.policy;

import dev.palisade.api.v1alpha1.PolicyStatus;
import dev.palisade.operator.kube.Conditions;
import dev.palisade.operator.policy.PolicyVerdict;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a {@link PolicyVerdict} into a policy's status, and patches it only when it changed, so
 * that pod churn that changes nothing a status shows causes no writes. While only the selection
 * moves (counts and names; the same generation, readiness and reason), a policy's status is
 * patched at most once per {@link #SELECTION_INTERVAL}, the last state after it: a status is for
 * people, and a burst of pod creations otherwise wrote about two status patches per pod (7,500
 * for 4,000 pods: docs/benchmarks.md, "Scale"). A new generation or a change of readiness or
 * reason is written at once.
 */
final class PolicyStatusUpdate {

  static final Duration SELECTION_INTERVAL = Duration.ofSeconds(10);
  /** Above this many remembered policies, those patched longer ago than the interval go. */
  private static final int PRUNE_ABOVE = 256;

  private final Clock clock;
  private final Conditions conditions;
  /** When each policy's status was last patched, by UID; only the last interval matters. */
  private final Map<String, Instant> lastPatched = new ConcurrentHashMap<>();

  PolicyStatusUpdate(Clock clock) {
    this.clock = clock;
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
    next.conditions = conditions.set(previous.conditions == null ? List.of()
        : previous.conditions, Conditions.READY, verdict.ready(), verdict.reason(),
        verdict.message(), generation);
    if (same(previous, next)) {
      return UpdateControl.noUpdate();
    }
    String uid = policy.getMetadata().getUid();
    Instant now = clock.instant();
    Instant last = uid == null ? null : lastPatched.get(uid);
    if (last != null && onlySelectionMoved(previous, next)) {
      Duration since = Duration.between(last, now);
      if (since.compareTo(SELECTION_INTERVAL) < 0) {
        return UpdateControl.<P>noUpdate().rescheduleAfter(SELECTION_INTERVAL.minus(since));
      }
    }
    if (uid != null) {
      remember(uid, now);
    }
    policy.setStatus(next);
    return UpdateControl.patchStatus(policy);
  }

  private void remember(String uid, Instant now) {
    lastPatched.put(uid, now);
    if (lastPatched.size() > PRUNE_ABOVE) {
      Instant expired = now.minus(SELECTION_INTERVAL);
      lastPatched.values().removeIf(at -> at.isBefore(expired));
    }
  }

  private static boolean same(PolicyStatus a, PolicyStatus b) {
    return Objects.equals(a.observedGeneration, b.observedGeneration)
        && Objects.equals(a.selectedWorkloads, b.selectedWorkloads)
        && Objects.equals(emptyToNull(a.workloads), emptyToNull(b.workloads))
        && Objects.equals(a.conditions, b.conditions);
  }

  /** The same generation, and every condition with the same status and reason (not message). */
  private static boolean onlySelectionMoved(PolicyStatus previous, PolicyStatus next) {
    return Objects.equals(previous.observedGeneration, next.observedGeneration)
        && Objects.equals(outcomes(previous.conditions), outcomes(next.conditions));
  }

  private static List<String> outcomes(List<Condition> conditions) {
    return conditions == null ? List.of() : conditions.stream()
        .map(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason()
            + "@" + c.getObservedGeneration())
        .sorted()
        .toList();
  }

  private static <T> List<T> emptyToNull(List<T> list) {
    return list == null || list.isEmpty() ? null : list;
  }
}
