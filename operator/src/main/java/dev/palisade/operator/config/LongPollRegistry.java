package dev.palisade.operator.config;

import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The long-polls held on this replica, by workload key ({@code namespace/pod}), and when each
 * workload last asked. Waiters are futures, not threads: {@link #wake} completes a workload's
 * waiters with its new value, {@link #expireDue} completes those whose deadline passed empty,
 * and {@link #forgetIdle} names workloads that stopped asking. Time comes from an injected
 * nanosecond source, so deadlines and idleness are tested without waiting; the caller decides
 * how often to call the two sweeps.
 *
 * @param <T> what a waiter is completed with
 */
final class LongPollRegistry<T> {

  private record Waiter<T>(long deadline, long sequence, CompletableFuture<Optional<T>> future) {}

  private final LongSupplier nanoTime;
  private final long pollTimeoutNanos;
  private final long idleLimitNanos;
  private final int maxWaiters;
  private final ConcurrentMap<String, Set<CompletableFuture<Optional<T>>>> waiters =
      new ConcurrentHashMap<>();
  private final ConcurrentSkipListSet<Waiter<T>> byDeadline = new ConcurrentSkipListSet<>(
      Comparator.<Waiter<T>>comparingLong(Waiter::deadline).thenComparingLong(Waiter::sequence));
  private final ConcurrentMap<String, Long> lastAsked = new ConcurrentHashMap<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicLong sequence = new AtomicLong();

  /**
   * @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime} in production)
   * @param pollTimeout how long a waiter is held before it completes empty
   * @param idleLimit how long a workload may go without asking (and without waiting) before
   *     {@link #forgetIdle} names it
   * @param maxWaiters waiters held at once; {@link #register} refuses more
   */
  LongPollRegistry(LongSupplier nanoTime, Duration pollTimeout, Duration idleLimit,
      int maxWaiters) {
    this.nanoTime = nanoTime;
    this.pollTimeoutNanos = pollTimeout.toNanos();
    this.idleLimitNanos = idleLimit.toNanos();
    this.maxWaiters = maxWaiters;
  }

  /** Records that {@code key}'s sidecar asked now, which keeps it from being idle. */
  void asked(String key) {
    lastAsked.put(key, nanoTime.getAsLong());
  }

  /**
   * A waiter for {@code key}, due after the poll timeout; empty (and nothing held) when the
   * limit is reached. Completing or cancelling it releases it.
   */
  Optional<CompletableFuture<Optional<T>>> register(String key) {
    if (waiting.incrementAndGet() > maxWaiters) {
      waiting.decrementAndGet();
      return Optional.empty();
    }
    CompletableFuture<Optional<T>> future = new CompletableFuture<>();
    Waiter<T> waiter = new Waiter<>(nanoTime.getAsLong() + pollTimeoutNanos,
        sequence.incrementAndGet(), future);
    waiters.compute(key, (k, set) -> {
      Set<CompletableFuture<Optional<T>>> all = set != null ? set : ConcurrentHashMap.newKeySet();
      all.add(future);
      return all;
    });
    byDeadline.add(waiter);
    future.whenComplete((result, failure) -> {
      waiting.decrementAndGet();
      byDeadline.remove(waiter);
      waiters.computeIfPresent(key, (k, set) -> {
        set.remove(future);
        return set.isEmpty() ? null : set;
      });
    });
    return Optional.of(future);
  }

  /** Completes every waiter of {@code key} with {@code value}. */
  void wake(String key, T value) {
    Set<CompletableFuture<Optional<T>>> woken = waiters.remove(key);
    if (woken != null) {
      woken.forEach(future -> future.complete(Optional.of(value)));
    }
  }

  /** Completes every waiter of {@code key} empty and forgets that it asked (the pod went). */
  void end(String key) {
    lastAsked.remove(key);
    Set<CompletableFuture<Optional<T>>> gone = waiters.remove(key);
    if (gone != null) {
      gone.forEach(future -> future.complete(Optional.empty()));
    }
  }

  /** Completes empty every waiter whose deadline has passed; returns how many. */
  int expireDue() {
    long now = nanoTime.getAsLong();
    int expired = 0;
    for (Waiter<T> waiter : byDeadline) { // in deadline order
      if (now - waiter.deadline() < 0) {
        break;
      }
      byDeadline.remove(waiter);
      if (waiter.future().complete(Optional.empty())) {
        expired++;
      }
    }
    return expired;
  }

  /**
   * Passes each workload that has not asked for longer than the idle limit and holds no waiter
   * to {@code forget}, and stops tracking it.
   */
  void forgetIdle(Consumer<String> forget) {
    long now = nanoTime.getAsLong();
    lastAsked.forEach((key, asked) -> {
      if (now - asked > idleLimitNanos && !waiters.containsKey(key)
          && lastAsked.remove(key, asked)) {
        forget.accept(key);
      }
    });
  }

  int waiting() {
    return waiting.get();
  }

  /** Completes every waiter empty (shutting down). */
  void close() {
    waiters.keySet().forEach(this::end);
  }
}
