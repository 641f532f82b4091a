package dev.palisade.operator.reconciler.policy;

import dev.palisade.api.v1alpha1.MeshPolicy;
import dev.palisade.operator.policy.PolicySnapshot;
import dev.palisade.operator.policy.PolicyVerdict;
import dev.palisade.operator.watch.PodIndex;
import dev.palisade.operator.watch.WatchEventSource;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Keeps each MeshPolicy's status: the workloads it selects, and whether it is in effect or
 * overridden by an older policy at the same level. Woken by its own changes, by the injected pods
 * it applies to (before or after their change; any pod for a mesh-wide policy), and by spec
 * changes of other MeshPolicies of its namespace, since those can win or lose a conflict with it.
 */
@ControllerConfiguration(name = "meshpolicy")
public class MeshPolicyReconciler implements Reconciler<MeshPolicy> {

  private static final String PEERS = "peer-meshpolicies";

  private final String operatorNamespace;
  private final PolicyStatusUpdate statuses;
  private final InjectedPods pods;

  /** @param pods the operator's shared pod index */
  public MeshPolicyReconciler(String operatorNamespace, PodIndex pods, Clock clock) {
    this.operatorNamespace = operatorNamespace;
    this.statuses = new PolicyStatusUpdate(clock);
    this.pods = new InjectedPods(pods);
  }

  @Override
  public UpdateControl<MeshPolicy> reconcile(MeshPolicy policy, Context<MeshPolicy> context) {
    PolicySnapshot snapshot = new PolicySnapshot(operatorNamespace, withPeers(policy, context),
        List.of());
    PolicyVerdict verdict = PolicyVerdict.of(policy, snapshot,
        pods::in, pods::all);
    return statuses.apply(policy, verdict);
  }

  /**
   * This policy and the others as the peer informer sees them: that informer's events are what
   * wake a policy when another one changes, so its cache already holds the change (the primary
   * cache may not yet: a reconcile woken by a peer's deletion would still see the peer there and
   * nothing would wake it again). A peer the peer informer has not seen yet wakes this policy
   * when it arrives.
   */
  private static List<MeshPolicy> withPeers(MeshPolicy policy, Context<MeshPolicy> context) {
    @SuppressWarnings("unchecked")
    var peers = (InformerEventSource<MeshPolicy, MeshPolicy>) context.eventSourceRetriever()
        .getEventSourceFor(MeshPolicy.class, PEERS);
    String uid = policy.getMetadata().getUid();
    return Stream.concat(Stream.of(policy),
        peers.list().filter(peer -> !peer.getMetadata().getUid().equals(uid))).toList();
  }

  @Override
  public List<EventSource<?, MeshPolicy>> prepareEventSources(
      EventSourceContext<MeshPolicy> context) {
    WatchEventSource<MeshPolicy> podChanges = WatchEventSource.onPods(InjectedPods.EVENT_SOURCE,
        pods.index(), (before, after) -> InjectedPods.meshPolicies(before, after,
            operatorNamespace, namespace -> context.getPrimaryCache().list(namespace, p -> true)));
    var peers = InformerEventSourceConfiguration.from(MeshPolicy.class, MeshPolicy.class)
        .withName(PEERS)
        .withWatchAllNamespaces()
        .withOnUpdateFilter((MeshPolicy updated, MeshPolicy old) -> !Objects.equals(
            updated.getMetadata().getGeneration(), old.getMetadata().getGeneration()))
        .withSecondaryToPrimaryMapper((MeshPolicy changed) -> context.getPrimaryCache()
            .list(changed.getMetadata().getNamespace(), policy -> !policy.getMetadata().getName()
                .equals(changed.getMetadata().getName()))
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .build();
    return List.of(podChanges, new InformerEventSource<>(peers, context));
  }
}
