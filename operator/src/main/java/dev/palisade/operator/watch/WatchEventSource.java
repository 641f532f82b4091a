package dev.palisade.operator.watch;

import dev.palisade.operator.policy.Workload;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A JOSDK event source over one of the {@link SharedWatches}: JOSDK cannot share an
 * {@code InformerEventSource} between controllers, so each controller gets one of these, which
 * subscribes to the shared informer when the controller starts and turns each change into events
 * for the primaries it maps to. It holds no secondary resources: a reconciler reads the shared
 * index (or registry) directly, which holds the change by the time the event arrives.
 *
 * @param <P> the controller's primary resource
 */
public final class WatchEventSource<P extends HasMetadata> extends AbstractEventSource<Void, P> {

  private final Function<Consumer<Set<ResourceID>>, Runnable> subscribe;
  private Runnable unsubscribe = () -> {};

  /**
   * @param subscribe subscribes to a shared watch, passing the primaries each change wakes to the
   *     given consumer; returns what unsubscribes
   */
  public WatchEventSource(String name, Function<Consumer<Set<ResourceID>>, Runnable> subscribe) {
    super(Void.class, name);
    this.subscribe = subscribe;
  }

  /** Which primaries a pod change wakes; {@code before} or {@code after} may be null. */
  @FunctionalInterface
  public interface PodMapper {
    Set<ResourceID> primaries(Workload before, Workload after);
  }

  /** An event source waking the primaries {@code mapper} names for each changed pod. */
  public static <P extends HasMetadata> WatchEventSource<P> onPods(String name, PodIndex pods,
      PodMapper mapper) {
    return new WatchEventSource<>(name, wake -> pods.subscribe((before, after) -> {
      Set<ResourceID> primaries = mapper.primaries(before, after);
      if (!primaries.isEmpty()) {
        wake.accept(primaries);
      }
    }));
  }

  /** An event source waking the primaries {@code mapper} names for each changed CA Secret. */
  public static <P extends HasMetadata> WatchEventSource<P> onCaSecrets(String name,
      CaSecretWatch secrets, Function<Secret, Set<ResourceID>> mapper) {
    return new WatchEventSource<>(name,
        wake -> secrets.subscribe(secret -> wake.accept(mapper.apply(secret))));
  }

  @Override
  public synchronized void start() throws OperatorException {
    unsubscribe = subscribe.apply(primaries -> primaries
        .forEach(primary -> getEventHandler().handleEvent(new Event(primary))));
    super.start();
  }

  @Override
  public synchronized void stop() throws OperatorException {
    unsubscribe.run();
    super.stop();
  }

  @Override
  public Set<Void> getSecondaryResources(P primary) {
    return Set.of();
  }
}
