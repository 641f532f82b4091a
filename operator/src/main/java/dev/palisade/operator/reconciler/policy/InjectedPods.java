package dev.palisade.operator.reconciler.policy;

import dev.palisade.operator.policy.Workload;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Collection;
import java.util.Objects;

/**
 * The pods policies apply to (label {@code palisade.dev/proxy=injected}), in every namespace, as
 * a policy reconciler's event source. The informer keeps only the fields policy reads (labels,
 * service account, phase), so the leader's memory grows by little per pod; a pod update wakes
 * policies only when one of those changed.
 */
final class InjectedPods {

  static final String NAME = "injected-pods";

  private InjectedPods() {}

  static <P extends HasMetadata> InformerEventSource<Pod, P> eventSource(
      EventSourceContext<P> context, Class<P> policyClass, SecondaryToPrimaryMapper<Pod> mapper) {
    KubernetesClient client = context.getClient();
    var configuration = InformerEventSourceConfiguration.from(Pod.class, policyClass)
        .withName(NAME)
        .withWatchAllNamespaces()
        .withLabelSelector(Workload.PROXY_LABEL + "=" + Workload.PROXY_INJECTED)
        .withItemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE,
            Pod.class, client.getKubernetesSerialization(),
            "metadata.labels", "spec.serviceAccountName", "status.phase"))
        .withOnUpdateFilter((Pod updated, Pod old) -> changed(Workload.of(updated),
            Workload.of(old)))
        .withSecondaryToPrimaryMapper(mapper)
        .build();
    return new InformerEventSource<>(configuration, context);
  }

  /** The injected pods of {@code namespace} as the event source that woke the reconciler sees them. */
  static <P extends HasMetadata> Collection<Workload> in(Context<P> context, String namespace) {
    return source(context).list(namespace, pod -> true).map(Workload::of).toList();
  }

  static <P extends HasMetadata> Collection<Workload> all(Context<P> context) {
    return source(context).list(pod -> true).map(Workload::of).toList();
  }

  @SuppressWarnings("unchecked")
  private static <P extends HasMetadata> InformerEventSource<Pod, P> source(Context<P> context) {
    return (InformerEventSource<Pod, P>) context.eventSourceRetriever()
        .getEventSourceFor(Pod.class, NAME);
  }

  private static boolean changed(Workload updated, Workload old) {
    return !Objects.equals(updated.labels(), old.labels())
        || !Objects.equals(updated.serviceAccount(), old.serviceAccount())
        || updated.live() != old.live();
  }
}
