package dev.palisade.operator.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.palisade.common.config.ConfigDocument;
import dev.palisade.common.config.InboundDocument;
import dev.palisade.common.config.OutboundDocument;
import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.operator.http.Json;
import dev.palisade.operator.policy.PolicyCompiler;
import dev.palisade.operator.policy.PolicySnapshot;
import dev.palisade.operator.policy.Workload;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every workload's effective configuration, serialized and versioned, and answers
 * long-polls when it changes.
 *
 * <p>Only workloads whose sidecar asks this replica are kept (computed at their first request,
 * forgotten once they stop asking), so a replica's work follows its own connections. Changes
 * arrive as events (a namespace's policies, one pod, the trust bundle); one thread recomputes
 * what they affect, coalescing bursts: a namespace's policies recompute that namespace's kept
 * workloads, mesh-wide policies and the bundle every kept workload, a pod only itself. A workload's
 * version is a hash of its document, so it changes exactly when its content does: a policy edit
 * that changes nothing for a pod wakes no long-poll of that pod, and every replica gives the same
 * content the same version.
 *
 * <p>Long-polls wait as futures, not threads: a change completes the futures of that pod only;
 * a timer completes the rest empty at their timeout.
 */
public final class ConfigPublisher implements ClusterView.Listener, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ConfigPublisher.class);

  /** Map keys sorted, so equal documents serialize to equal bytes, hence equal versions. */
  private static final ObjectMapper CANONICAL = Json.MAPPER.copy()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  static final String DESTINATIONS_PATH = DestinationsEndpoint.PATH;

  /** A workload not asking for this long (nor waiting) is forgotten: its sidecar went away. */
  private static final Duration IDLE_MINIMUM = Duration.ofMinutes(2);

  /** One workload's current configuration, ready to send. */
  record Published(String version, byte[] body, InboundPolicy inbound, String bundle,
      String spiffeId) {}

  private final ClusterView view;
  private final String trustDomain;
  private final Supplier<Optional<String>> trustBundle;
  private final Duration pollTimeout;
  private final int maxWaiters;
  private final ConcurrentMap<String, Published> published = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Set<CompletableFuture<Optional<Published>>>> waiters =
      new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Long> lastAsked = new ConcurrentHashMap<>();
  private final Duration idleLimit;
  private final AtomicInteger waiting = new AtomicInteger();
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("palisade-config-publisher").daemon(true).factory());
  private final ScheduledThreadPoolExecutor timeouts;

  private final Object lock = new Object();
  private final Set<String> dirtyNamespaces = new HashSet<>();
  private final Set<String> dirtyPods = new HashSet<>();
  private boolean allDirty;
  private boolean scheduled;
  private volatile PolicySnapshot snapshot;
  private volatile String bundle;

  /**
   * @param trustBundle the PEM roots now, empty while the CA is unavailable; polled every few
   *     seconds, and every configuration is recomputed when it changes
   * @param pollTimeout how long a long-poll waits for a change
   * @param maxWaiters long-polls held at once on this replica; more are refused (429)
   */
  ConfigPublisher(ClusterView view, String trustDomain, Supplier<Optional<String>> trustBundle,
      Duration pollTimeout, int maxWaiters) {
    this.view = view;
    this.trustDomain = trustDomain;
    this.trustBundle = trustBundle;
    this.pollTimeout = pollTimeout;
    this.maxWaiters = maxWaiters;
    Duration threePolls = pollTimeout.multipliedBy(3);
    this.idleLimit = threePolls.compareTo(IDLE_MINIMUM) > 0 ? threePolls : IDLE_MINIMUM;
    this.snapshot = view.policies();
    this.bundle = trustBundle.get().orElse(null);
    this.timeouts = new ScheduledThreadPoolExecutor(1,
        Thread.ofPlatform().name("palisade-config-timeouts").daemon(true).factory());
    timeouts.setRemoveOnCancelPolicy(true);
    worker.scheduleWithFixedDelay(() -> {
      refreshBundle();
      forgetIdle();
    }, 5, 5, TimeUnit.SECONDS);
  }

  Duration pollTimeout() {
    return pollTimeout;
  }

  /**
   * The configuration of {@code workload} now, computed here if no event has yet (a pod seen by
   * a request before its informer event was processed); empty while there is no trust bundle.
   */
  Optional<Published> current(Workload workload) {
    lastAsked.put(workload.key(), System.nanoTime());
    Published now = published.get(workload.key());
    if (now != null) {
      return Optional.of(now);
    }
    String roots = bundle;
    if (roots == null) {
      return Optional.empty();
    }
    Published computed = compute(workload, snapshot, roots, null);
    Published raced = published.putIfAbsent(workload.key(), computed);
    return Optional.of(raced != null ? raced : computed);
  }

  /** The inbound policy of {@code workload} (for destination lookups), without the CA. */
  InboundPolicy inbound(Workload workload) {
    Published now = published.get(workload.key());
    return now != null ? now.inbound() : PolicyCompiler.inbound(snapshot, workload);
  }

  /**
   * Completes with the workload's configuration once its version differs from {@code version},
   * or empty after the poll timeout (or if the pod goes). Cancelling it forgets the waiter.
   * Empty, and not waiting, when too many long-polls are held already.
   */
  Optional<CompletableFuture<Optional<Published>>> awaitChange(String podKey, String version) {
    if (waiting.incrementAndGet() > maxWaiters) {
      waiting.decrementAndGet();
      return Optional.empty();
    }
    CompletableFuture<Optional<Published>> waiter = new CompletableFuture<>();
    waiter.whenComplete((result, failure) -> {
      waiting.decrementAndGet();
      waiters.computeIfPresent(podKey, (key, set) -> {
        set.remove(waiter);
        return set.isEmpty() ? null : set;
      });
    });
    waiters.compute(podKey, (key, set) -> {
      Set<CompletableFuture<Optional<Published>>> all =
          set != null ? set : ConcurrentHashMap.newKeySet();
      all.add(waiter);
      return all;
    });
    var timeout = timeouts.schedule(() -> waiter.complete(Optional.empty()),
        pollTimeout.toMillis(), TimeUnit.MILLISECONDS);
    waiter.whenComplete((result, failure) -> timeout.cancel(false));
    // A change published between the caller's check and the registration above: answer now.
    Published now = published.get(podKey);
    if (now != null && !now.version().equals(version)) {
      waiter.complete(Optional.of(now));
    }
    return Optional.of(waiter);
  }

  int waiting() {
    return waiting.get();
  }

  int workloads() {
    return published.size();
  }

  @Override
  public void policiesChanged(String namespace) {
    mark(() -> {
      if (namespace == null) {
        allDirty = true;
      } else {
        dirtyNamespaces.add(namespace);
      }
    });
  }

  @Override
  public void podChanged(String namespace, String name) {
    mark(() -> dirtyPods.add(namespace + "/" + name));
  }

  @Override
  public void podRemoved(String namespace, String name) {
    forget(namespace + "/" + name);
  }

  /** Drops a workload's configuration; its long-polls end (empty) and it re-asks if it lives. */
  private void forget(String key) {
    published.remove(key);
    lastAsked.remove(key);
    Set<CompletableFuture<Optional<Published>>> gone = waiters.remove(key);
    if (gone != null) {
      gone.forEach(waiter -> waiter.complete(Optional.empty()));
    }
  }

  /** Forgets workloads that stopped asking this replica (their sidecar moved or went). */
  private void forgetIdle() {
    long now = System.nanoTime();
    lastAsked.forEach((key, asked) -> {
      if (now - asked > idleLimit.toNanos() && !waiters.containsKey(key)) {
        published.remove(key);
        lastAsked.remove(key, asked);
      }
    });
  }

  private void mark(Runnable change) {
    synchronized (lock) {
      change.run();
      if (scheduled) {
        return;
      }
      scheduled = true;
    }
    worker.execute(this::drain);
  }

  /** Runs on the worker: recomputes everything marked since the last run. */
  private void drain() {
    boolean all;
    Set<String> namespaces;
    Set<String> pods;
    synchronized (lock) {
      all = allDirty;
      namespaces = Set.copyOf(dirtyNamespaces);
      pods = Set.copyOf(dirtyPods);
      allDirty = false;
      dirtyNamespaces.clear();
      dirtyPods.clear();
      scheduled = false;
    }
    try {
      long started = System.nanoTime();
      PolicySnapshot policies = view.policies();
      snapshot = policies;
      String roots = bundle;
      int changed = 0;
      // Only workloads whose sidecar asked this replica: the others are another replica's work.
      for (String key : List.copyOf(published.keySet())) {
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        if (!all && !namespaces.contains(namespace) && !pods.contains(key)) {
          continue;
        }
        Optional<Workload> workload = view.pod(namespace, key.substring(slash + 1));
        if (workload.isEmpty() || !workload.get().injected()) {
          forget(key);
        } else {
          changed += republish(workload.get(), policies, roots);
        }
      }
      log.debug("recomputed configurations ({}): {} changed in {} ms",
          all ? "all" : namespaces.size() + " namespaces, " + pods.size() + " pods", changed,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    } catch (RuntimeException e) {
      log.error("recomputing configurations failed; retrying everything in 5 s", e);
      worker.schedule(() -> policiesChanged(null), 5, TimeUnit.SECONDS);
    }
  }

  /** Recomputes one workload; publishes and wakes its long-polls if it changed. 1 if it did. */
  private int republish(Workload workload, PolicySnapshot policies, String roots) {
    if (roots == null) {
      return 0; // no CA yet: requests answer ca_unavailable; the bundle refresh comes back
    }
    String key = workload.key();
    Published previous = published.get(key);
    Published next = compute(workload, policies, roots, previous);
    if (previous != null && previous.version().equals(next.version())) {
      return 0;
    }
    published.put(key, next);
    Set<CompletableFuture<Optional<Published>>> woken = waiters.remove(key);
    if (woken != null) {
      woken.forEach(waiter -> waiter.complete(Optional.of(next)));
    }
    return 1;
  }

  private Published compute(Workload workload, PolicySnapshot policies, String roots,
      Published previous) {
    InboundPolicy inbound = PolicyCompiler.inbound(policies, workload);
    String spiffeId = workload.identity(trustDomain).toString();
    if (previous != null && previous.inbound().equals(inbound)
        && Objects.equals(previous.bundle(), roots)
        && previous.spiffeId().equals(spiffeId)) {
      return previous; // nothing it depends on changed: skip serializing
    }
    ConfigDocument document = new ConfigDocument("", spiffeId, InboundDocument.of(inbound),
        OutboundDocument.of(OutboundPolicy.passthrough(), DESTINATIONS_PATH), roots,
        (int) pollTimeout.toSeconds());
    try {
      String version = version(CANONICAL.writeValueAsBytes(document));
      return new Published(version, CANONICAL.writeValueAsBytes(document.withVersion(version)),
          inbound, roots, spiffeId);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a configuration", e);
    }
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

  /** 16 hex digits of SHA-256: collisions are out of reach for the versions of one pod. */
  private static String version(byte[] document) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(document);
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
    timeouts.shutdownNow();
    waiters.values().forEach(set -> set.forEach(waiter -> waiter.complete(Optional.empty())));
    waiters.clear();
  }
}
