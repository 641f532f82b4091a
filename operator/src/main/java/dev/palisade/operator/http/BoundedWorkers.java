package dev.palisade.operator.http;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Runs blocking work (Kubernetes API calls, signing) off the event loops: {@code threads} at a
 * time, and at most {@code queue} more waiting. Past that, work is refused at once, so the
 * caller can answer 429 instead of letting a burst queue without bound and time out anyway.
 */
public final class BoundedWorkers implements AutoCloseable {

  private final Semaphore admitted;
  private final ExecutorService threads;

  public BoundedWorkers(String name, int threads, int queue) {
    if (threads < 1 || queue < 0) {
      throw new IllegalArgumentException("need threads >= 1 and queue >= 0");
    }
    this.admitted = new Semaphore(threads + queue);
    // The pool's own queue is unbounded, but never holds more than `queue`: the semaphore
    // admits at most threads + queue tasks at a time.
    this.threads = Executors.newFixedThreadPool(threads,
        Thread.ofPlatform().name(name + "-", 0).daemon(true).factory());
  }

  /** Starts {@code work} on a worker, or returns empty at once when too much is in flight. */
  public <T> Optional<CompletableFuture<T>> trySubmit(Callable<T> work) {
    if (!admitted.tryAcquire()) {
      return Optional.empty();
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      threads.execute(() -> {
        T value;
        try {
          value = work.call();
        } catch (Throwable failure) {
          admitted.release();
          result.completeExceptionally(failure);
          return;
        }
        // Released before completing: whoever sees the result can be admitted again.
        admitted.release();
        result.complete(value);
      });
    } catch (RejectedExecutionException closed) {
      admitted.release();
      return Optional.empty();
    }
    return Optional.of(result);
  }

  /** How many more tasks would be admitted right now. */
  public int available() {
    return admitted.availablePermits();
  }

  /** Lets running work finish (up to 5 s), then interrupts it. */
  @Override
  public void close() {
    threads.shutdown();
    try {
      if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
        threads.shutdownNow();
      }
    } catch (InterruptedException e) {
      threads.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
