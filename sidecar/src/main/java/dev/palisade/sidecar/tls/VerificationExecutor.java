package dev.palisade.sidecar.tls;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where BoringSSL's delegated work runs (the peer's chain verification, with
 * {@code OpenSslContextOption.USE_TASKS}): a few threads of their own, so a peer that makes
 * verification expensive holds up no event loop and so no established connection. Bounded: when
 * its queue is full the event loop runs the task itself, which slows handshakes rather than
 * growing memory.
 */
public final class VerificationExecutor {

  private static final int QUEUE = 1024;

  private VerificationExecutor() {}

  private static final class Shared {
    static final Executor INSTANCE = create();
  }

  /** The process's one pool, sized from the processors the JVM may use. */
  public static Executor shared() {
    return Shared.INSTANCE;
  }

  private static Executor create() {
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(QUEUE), runnable -> {
          Thread thread = new Thread(runnable, "palisade-tls-verify-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    pool.allowCoreThreadTimeOut(true); // an idle proxy keeps no thread for it
    return pool;
  }
}
