package dev.palisade.operator.config;

import dev.palisade.operator.http.BoundedWorkers;
import dev.palisade.operator.limits.KeyedTokenBuckets;
import dev.palisade.operator.policy.Workload;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the API server about pods this replica's informers have not seen yet. A pod that was just
 * created, or just got its address, reaches each replica's informer a little later than the API
 * server; a destination lookup answered from a lagging informer would say "not in the mesh" and
 * the client's proxy would speak plaintext to a STRICT server, which resets the connection. So
 * before answering {@code unknown_address} or {@code no_endpoints}, the config service asks.
 *
 * <p>Bounded, since any workload can ask about any address (an external one is always unknown):
 * {@value #PER_SECOND} lookups a second per replica (burst {@value #BURST}), at most one per
 * address or Service every 2 s, {@value #THREADS} at once off the event loop with
 * {@value #QUEUE} queued; beyond that, or when the API server fails, the informers' answer
 * stands (as before this class).
 */
final class LiveLookups implements AutoCloseable {

  static final int PER_SECOND = 20;
  static final int BURST = 20;
  static final int THREADS = 2;
  static final int QUEUE = 32;

  private static final Logger log = LoggerFactory.getLogger(LiveLookups.class);

  private final KubernetesClient client;
  private final BoundedWorkers workers = new BoundedWorkers("destination-lookups", THREADS, QUEUE);
  private final KeyedTokenBuckets<String> total;
  private final KeyedTokenBuckets<String> perTarget;

  LiveLookups(KubernetesClient client, Clock clock) {
    this.client = client;
    this.total = new KeyedTokenBuckets<>(BURST, PER_SECOND, 1, clock);
    this.perTarget = new KeyedTokenBuckets<>(1, 0.5, 4096, clock);
  }

  /** The pods whose address is {@code ip}, as the API server has them now; empty if not asked. */
  CompletableFuture<List<Workload>> podsAt(String ip) {
    return ask("ip " + ip, () -> client.pods().inAnyNamespace()
        .withField("status.podIP", ip).list().getItems());
  }

  /** The pods {@code selector} selects in {@code namespace}, as the API server has them now. */
  CompletableFuture<List<Workload>> podsSelected(String namespace, Map<String, String> selector) {
    return ask("service " + namespace + "/" + selector, () -> client.pods()
        .inNamespace(namespace).withLabels(selector).list().getItems());
  }

  private CompletableFuture<List<Workload>> ask(String target,
      java.util.function.Supplier<List<io.fabric8.kubernetes.api.model.Pod>> list) {
    if (!perTarget.tryAcquire(target) || !total.tryAcquire("all")) {
      return CompletableFuture.completedFuture(List.of());
    }
    return workers.trySubmit(() -> {
      try {
        return list.get().stream().map(Workload::of).toList();
      } catch (KubernetesClientException e) {
        log.debug("live lookup of {} failed: {}", target, e.getMessage());
        return List.<Workload>of();
      }
    }).orElseGet(() -> CompletableFuture.completedFuture(List.of()));
  }

  @Override
  public void close() {
    workers.close();
  }
}
