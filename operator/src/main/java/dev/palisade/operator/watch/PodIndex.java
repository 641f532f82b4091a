package dev.palisade.operator.watch;

import dev.palisade.operator.policy.Workload;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Every pod of the cluster as a compact {@link Workload}, by namespace and name, from the
 * operator's one pod informer. The informer's own store keeps only keys and resource versions;
 * what policy, the config service and the reconcilers need is extracted once per event, so
 * nobody turns stored pods back into {@code Pod}s to read them.
 *
 * <p>Consumers subscribe a {@link Listener}; it is told of each change after the index holds it,
 * so whatever a listener wakes reads an index at least as new as the event.
 */
public final class PodIndex implements AutoCloseable {

  /** Told of each change; {@code before} is null for a new pod, {@code after} for a deleted one. */
  @FunctionalInterface
  public interface Listener {
    void changed(Workload before, Workload after);
  }

  private final KubernetesClient client;
  private final ConcurrentMap<String, ConcurrentMap<String, Workload>> pods =
      new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private SharedIndexInformer<Pod> informer;

  public PodIndex(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Adds {@code listener} and starts the informer if it is not running, returning once it has
   * listed. Returns what removes the listener again.
   */
  public Runnable subscribe(Listener listener) {
    listeners.add(listener);
    start();
    return () -> listeners.remove(listener);
  }

  /** Starts the informer if it is not running, returning once it has listed. */
  public synchronized void start() {
    if (informer != null) {
      return;
    }
    informer = client.pods().inAnyNamespace().runnableInformer(0)
        .itemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Pod.class,
            client.getKubernetesSerialization(), "metadata.uid"));
    informer.addEventHandler(new Handler());
    informer.run();
  }

  public synchronized boolean synced() {
    return informer != null && informer.hasSynced();
  }

  public Optional<Workload> pod(String namespace, String name) {
    Map<String, Workload> of = pods.get(namespace);
    return of == null ? Optional.empty() : Optional.ofNullable(of.get(name));
  }

  public Collection<Workload> podsIn(String namespace) {
    Map<String, Workload> of = pods.get(namespace);
    return of == null ? List.of() : List.copyOf(of.values());
  }

  /** Every pod of {@code namespace} that passes {@code filter}. */
  public List<Workload> podsIn(String namespace, Predicate<Workload> filter) {
    Map<String, Workload> of = pods.get(namespace);
    return of == null ? List.of() : of.values().stream().filter(filter).toList();
  }

  /** Every pod of the cluster that passes {@code filter}. */
  public List<Workload> all(Predicate<Workload> filter) {
    return pods.values().stream().flatMap(of -> of.values().stream()).filter(filter).toList();
  }

  /** Whether some pod of {@code namespace} passes {@code filter}. */
  public boolean anyIn(String namespace, Predicate<Workload> filter) {
    Map<String, Workload> of = pods.get(namespace);
    return of != null && of.values().stream().anyMatch(filter);
  }

  @Override
  public synchronized void close() {
    if (informer != null) {
      informer.close();
    }
  }

  private final class Handler implements ResourceEventHandler<Pod> {
    @Override
    public void onAdd(Pod pod) {
      put(Workload.of(pod));
    }

    @Override
    public void onUpdate(Pod old, Pod pod) {
      put(Workload.of(pod));
    }

    @Override
    public void onDelete(Pod pod, boolean finalStateUnknown) {
      Map<String, Workload> of = pods.get(pod.getMetadata().getNamespace());
      Workload removed = of == null ? null : of.remove(pod.getMetadata().getName());
      if (removed != null) {
        listeners.forEach(listener -> listener.changed(removed, null));
      }
    }

    private void put(Workload workload) {
      Workload previous = pods.computeIfAbsent(workload.namespace(),
          namespace -> new ConcurrentHashMap<>()).put(workload.name(), workload);
      if (!workload.equals(previous)) {
        listeners.forEach(listener -> listener.changed(previous, workload));
      }
    }
  }
}
