package dev.palisade.operator.reconciler.policy;

import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.operator.policy.PolicyVerdict;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Keeps each AccessPolicy's status: the workloads it selects, and whether it can be evaluated.
 * AccessPolicies never conflict (they add up, DENY first), so only its own changes and the
 * injected pods of its namespace wake it.
 */
@ControllerConfiguration(name = "accesspolicy")
public class AccessPolicyReconciler implements Reconciler<AccessPolicy> {

  private final PolicyStatusUpdate statuses;

  public AccessPolicyReconciler(Clock clock) {
    this.statuses = new PolicyStatusUpdate(clock);
  }

  @Override
  public UpdateControl<AccessPolicy> reconcile(AccessPolicy policy, Context<AccessPolicy> context) {
    PolicyVerdict verdict = PolicyVerdict.of(policy,
        InjectedPods.in(context, policy.getMetadata().getNamespace()));
    return statuses.apply(policy, verdict);
  }

  @Override
  public List<EventSource<?, AccessPolicy>> prepareEventSources(
      EventSourceContext<AccessPolicy> context) {
    return List.of(InjectedPods.eventSource(context, AccessPolicy.class,
        (Pod pod) -> context.getPrimaryCache().list(pod.getMetadata().getNamespace(), p -> true)
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet())));
  }
}
