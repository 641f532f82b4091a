package dev.palisade.operator.config;

import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.revocation.Revocations;
import dev.palisade.operator.policy.PolicyCompiler;
import dev.palisade.operator.policy.PolicySnapshot;
import dev.palisade.operator.policy.Workload;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every workload's effective configuration, rendered and versioned by
 * {@link ConfigRenderer}, and answers long-polls held in a {@link LongPollRegistry} when it
 * changes.
 *
 * <p>Only workloads whose sidecar asks this replica are kept (computed at their first request,
 * forgotten once they stop asking), so a replica's work follows its own connections. Changes
 * arrive as events (a namespace's policies, one pod, the trust bundle), coalesced by
 * {@link PendingChanges}; one thread recomputes what they affect: a namespace's policies that
 * namespace's kept workloads, mesh-wide policies and the bundle every kept workload, a pod only
 * itself, revocations every kept workload. A version is a hash of the document, so a policy edit that changes nothing for a pod
 * wakes no long-poll of that pod, and every replica gives the same content the same version.
 */
public final class ConfigPublisher implements ClusterView.Listener, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ConfigPublisher.class);

  /** A workload not asking for this long (nor waiting) is forgotten: its sidecar went away. */
  private static final Duration IDLE_MINIMUM = Duration.ofMinutes(2);
  /** How often held long-polls are checked for their deadline, at most. */
  private static final Duration TIMEOUT_SWEEP = Duration.ofSeconds(1);

  private final ClusterView view;
  private final ConfigRenderer renderer;
  private final Supplier<Optional<String>> trustBundle;
  private final Supplier<Revocations> revocationsInForce;
  private final Duration pollTimeout;
  private final LongPollRegistry<PublishedConfig> polls;
  private final PendingChanges pending = new PendingChanges();
  private final ConcurrentMap<String, PublishedConfig> published = new ConcurrentHashMap<>();
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("palisade-config-publisher").daemon(true).factory());
  private final ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("palisade-config-timeouts").daemon(true).factory());
  private volatile PolicySnapshot snapshot;
  private volatile String bundle;
  private volatile Revocations revocations;

  /**
   * @param trustBundle the PEM roots now, empty while the CA is unavailable; polled every few
   *     seconds, and every configuration is recomputed when it changes
   * @param revocationsInForce what is revoked and suspended now; re-read on
   *     {@link #revocationsChanged()} and every few seconds (revocations expire)
   * @param pollTimeout how long a long-poll waits for a change
   * @param maxWaiters long-polls held at once on this replica; more are refused (429)
   */
  ConfigPublisher(ClusterView view, String trustDomain, Supplier<Optional<String>> trustBundle,
      Supplier<Revocations> revocationsInForce, Duration pollTimeout, int maxWaiters) {
    this.view = view;
    this.renderer = new ConfigRenderer(trustDomain, pollTimeout);
    this.trustBundle = trustBundle;
    this.revocationsInForce = revocationsInForce;
    this.pollTimeout = pollTimeout;
    Duration threePolls = pollTimeout.multipliedBy(3);
    this.polls = new LongPollRegistry<>(System::nanoTime, pollTimeout,
        threePolls.compareTo(IDLE_MINIMUM) > 0 ? threePolls : IDLE_MINIMUM, maxWaiters);
    this.snapshot = view.policies();
    this.bundle = trustBundle.get().orElse(null);
    this.revocations = revocationsInForce.get();
    long sweep = Math.max(10, Math.min(TIMEOUT_SWEEP.toMillis(), pollTimeout.toMillis() / 10));
    timeouts.scheduleWithFixedDelay(polls::expireDue, sweep, sweep, TimeUnit.MILLISECONDS);
    worker.scheduleWithFixedDelay(() -> {
      refreshBundle();
      refreshRevocations();
      polls.forgetIdle(published::remove);
    }, 5, 5, TimeUnit.SECONDS);
  }

  Duration pollTimeout() {
    return pollTimeout;
  }

  /**
   * The configuration of {@code workload} now, computed here if no event has yet (a pod seen by
   * a request before its informer event was processed); empty while there is no trust bundle.
   */
  Optional<PublishedConfig> current(Workload workload) {
    polls.asked(workload.key());
    PublishedConfig now = published.get(workload.key());
    if (now != null) {
      return Optional.of(now);
    }
    String roots = bundle;
    if (roots == null) {
      return Optional.empty();
    }
    PublishedConfig computed = renderer.render(workload, snapshot, roots, revocations, null);
    PublishedConfig raced = published.putIfAbsent(workload.key(), computed);
    return Optional.of(raced != null ? raced : computed);
  }

  /**
   * The version {@code workload} is served now, for {@code palisade proxy-status}: a read
   * that neither stores a rendering nor counts as the pod asking.
   */
  Optional<String> version(Workload workload) {
    PublishedConfig now = published.get(workload.key());
    if (now != null) {
      return Optional.of(now.version());
    }
    String roots = bundle;
    return roots == null ? Optional.empty()
        : Optional.of(renderer.render(workload, snapshot, roots, revocations, null).version());
  }

  /** The inbound policy of {@code workload} (for destination lookups), without the CA. */
  InboundPolicy inbound(Workload workload) {
    PublishedConfig now = published.get(workload.key());
    return now != null ? now.inbound() : PolicyCompiler.inbound(snapshot, workload);
  }

  /**
   * Completes with the workload's configuration once its version differs from {@code version},
   * or empty after the poll timeout (or if the pod goes). Cancelling it forgets the waiter.
   * Empty, and not waiting, when too many long-polls are held already.
   */
  Optional<CompletableFuture<Optional<PublishedConfig>>> awaitChange(String podKey,
      String version) {
    Optional<CompletableFuture<Optional<PublishedConfig>>> waiter = polls.register(podKey);
    // A change published between the caller's check and the registration: answer now.
    PublishedConfig now = published.get(podKey);
    if (waiter.isPresent() && now != null && !now.version().equals(version)) {
      waiter.get().complete(Optional.of(now));
    }
    return waiter;
  }

  int waiting() {
    return polls.waiting();
  }

  int workloads() {
    return published.size();
  }

  /** What every configuration carries now. */
  Revocations revocations() {
    return revocations;
  }

  /** A revocation or suspension was created, changed or deleted: every workload, at once. */
  void revocationsChanged() {
    worker.execute(this::refreshRevocations);
  }

  @Override
  public void policiesChanged(String namespace) {
    if (pending.namespace(namespace)) {
      worker.execute(this::drain);
    }
  }

  @Override
  public void podChanged(String namespace, String name) {
    if (pending.pod(namespace + "/" + name)) {
      worker.execute(this::drain);
    }
  }

  @Override
  public void podRemoved(String namespace, String name) {
    forget(namespace + "/" + name);
  }

  /** Drops a workload's configuration; its long-polls end (empty) and it re-asks if it lives. */
  private void forget(String key) {
    published.remove(key);
    polls.end(key);
  }

  /** Runs on the worker: recomputes everything marked since the last run. */
  private void drain() {
    PendingChanges.Batch batch = pending.take();
    try {
      long started = System.nanoTime();
      PolicySnapshot policies = view.policies();
      snapshot = policies;
      String roots = bundle;
      Revocations revoked = revocations;
      int changed = 0;
      // Only workloads whose sidecar asked this replica: the others are another replica's work.
      for (String key : List.copyOf(published.keySet())) {
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        if (!batch.affects(namespace, key)) {
          continue;
        }
        Optional<Workload> workload = view.pod(namespace, key.substring(slash + 1));
        if (workload.isEmpty() || !workload.get().injected()) {
          forget(key);
        } else {
          changed += republish(workload.get(), policies, roots, revoked);
        }
      }
      log.debug("recomputed configurations ({}): {} changed in {} ms", batch.describe(), changed,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    } catch (RuntimeException e) {
      log.error("recomputing configurations failed; retrying everything in 5 s", e);
      worker.schedule(() -> policiesChanged(null), 5, TimeUnit.SECONDS);
    }
  }

  /** Recomputes one workload; publishes and wakes its long-polls if it changed. 1 if it did. */
  private int republish(Workload workload, PolicySnapshot policies, String roots,
      Revocations revoked) {
    if (roots == null) {
      return 0; // no CA yet: requests answer ca_unavailable; the bundle refresh comes back
    }
    String key = workload.key();
    PublishedConfig previous = published.get(key);
    PublishedConfig next = renderer.render(workload, policies, roots, revoked, previous);
    if (previous != null && previous.version().equals(next.version())) {
      return 0;
    }
    published.put(key, next);
    polls.wake(key, next);
    return 1;
  }

  private void refreshBundle() {
    Optional<String> roots;
    try {
      roots = trustBundle.get();
    } catch (RuntimeException e) {
      log.warn("cannot read the trust bundle: {}", e.getMessage());
      return;
    }
    String now = roots.orElse(null);
    if (!Objects.equals(now, bundle)) {
      bundle = now;
      log.info("trust bundle {}; recomputing every configuration",
          now == null ? "unavailable" : "changed");
      policiesChanged(null);
    }
  }

  /** Runs on the worker: recomputes every configuration if what is in force changed. */
  private void refreshRevocations() {
    Revocations now;
    try {
      now = revocationsInForce.get();
    } catch (RuntimeException e) {
      log.warn("cannot read the revocations: {}", e.getMessage());
      return;
    }
    if (!now.equals(revocations)) {
      revocations = now;
      log.info("{} certificates revoked and {} identities suspended now; recomputing every"
          + " configuration", now.serials().size(), now.identities().size());
      policiesChanged(null);
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
    timeouts.shutdownNow();
    polls.close();
  }
}
