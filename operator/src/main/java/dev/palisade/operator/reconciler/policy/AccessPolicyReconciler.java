package dev.palisade.operator.reconciler.policy;

import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.operator.policy.PolicyVerdict;
import dev.palisade.operator.watch.PodIndex;
import dev.palisade.operator.watch.WatchEventSource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.util.List;

/**
 * Keeps each AccessPolicy's status: the workloads it selects, and whether it can be evaluated.
 * AccessPolicies never conflict (they add up, DENY first), so only its own changes and the
 * injected pods it selects (before or after their change) wake it.
 */
@ControllerConfiguration(name = "accesspolicy")
public class AccessPolicyReconciler implements Reconciler<AccessPolicy> {

  private final PolicyStatusUpdate statuses;
  private final InjectedPods pods;

  /** @param pods the operator's shared pod index */
  public AccessPolicyReconciler(PodIndex pods, Clock clock) {
    this.statuses = new PolicyStatusUpdate(clock);
    this.pods = new InjectedPods(pods);
  }

  @Override
  public UpdateControl<AccessPolicy> reconcile(AccessPolicy policy, Context<AccessPolicy> context) {
    PolicyVerdict verdict = PolicyVerdict.of(policy,
        pods.in(policy.getMetadata().getNamespace()));
    return statuses.apply(policy, verdict);
  }

  @Override
  public List<EventSource<?, AccessPolicy>> prepareEventSources(
      EventSourceContext<AccessPolicy> context) {
    return List.of(WatchEventSource.onPods(InjectedPods.EVENT_SOURCE, pods.index(),
        (before, after) -> InjectedPods.accessPolicies(before, after,
            namespace -> context.getPrimaryCache().list(namespace, policy -> true))));
  }
}
