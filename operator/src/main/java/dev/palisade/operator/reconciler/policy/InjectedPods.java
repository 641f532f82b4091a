package dev.palisade.operator.reconciler.policy;

import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.api.v1alpha1.MeshPolicy;
import dev.palisade.operator.policy.PolicyCompiler;
import dev.palisade.operator.policy.Selectors;
import dev.palisade.operator.policy.Workload;
import dev.palisade.operator.watch.PodIndex;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The pods policies apply to (label {@code palisade.dev/proxy=injected}), read from the
 * operator's shared {@link PodIndex}, and which policies a pod's change wakes: only those that
 * select the pod before or after the change, and only when something a status shows can change
 * (the pod came, went, finished, or its labels moved). Pure apart from the index it reads.
 */
final class InjectedPods {

  static final String EVENT_SOURCE = "injected-pods";

  private final PodIndex pods;

  InjectedPods(PodIndex pods) {
    this.pods = pods;
  }

  PodIndex index() {
    return pods;
  }

  /** The injected pods of {@code namespace}. */
  Collection<Workload> in(String namespace) {
    return pods.podsIn(namespace, Workload::injected);
  }

  /** Every injected pod of the cluster. */
  Collection<Workload> all() {
    return pods.all(Workload::injected);
  }

  /**
   * The MeshPolicies a pod's change wakes: those of its namespace that apply to it, and the
   * mesh-wide ones of {@code operatorNamespace}.
   *
   * @param policiesIn the MeshPolicies of a namespace
   */
  static Set<ResourceID> meshPolicies(Workload before, Workload after, String operatorNamespace,
      Function<String, Stream<MeshPolicy>> policiesIn) {
    return wakes(before, after, pod -> Stream.concat(
        policiesIn.apply(pod.namespace()).filter(policy -> PolicyCompiler.applies(policy, pod)),
        pod.namespace().equals(operatorNamespace) ? Stream.empty()
            : policiesIn.apply(operatorNamespace).filter(InjectedPods::selectsAll)));
  }

  /** The AccessPolicies a pod's change wakes: those of its namespace that select it. */
  static Set<ResourceID> accessPolicies(Workload before, Workload after,
      Function<String, Stream<AccessPolicy>> policiesIn) {
    return wakes(before, after, pod -> policiesIn.apply(pod.namespace())
        .filter(policy -> PolicyCompiler.selects(policy, pod)));
  }

  private static Set<ResourceID> wakes(Workload before, Workload after,
      Function<Workload, Stream<? extends HasMetadata>> selecting) {
    boolean counted = counts(before);
    boolean counts = counts(after);
    if (!counted && !counts
        || counted && counts && Objects.equals(before.labels(), after.labels())) {
      return Set.of(); // nothing a policy status shows can have changed
    }
    Set<ResourceID> woken = new HashSet<>();
    if (counted) {
      selecting.apply(before).map(ResourceID::fromResource).forEach(woken::add);
    }
    if (counts) {
      selecting.apply(after).map(ResourceID::fromResource).forEach(woken::add);
    }
    return woken;
  }

  /** Whether a policy status counts {@code pod}: live, with the proxy. */
  private static boolean counts(Workload pod) {
    return pod != null && pod.injected() && pod.live();
  }

  private static boolean selectsAll(MeshPolicy policy) {
    return policy.getSpec() != null && Selectors.selectsAll(policy.getSpec().selector);
  }
}
