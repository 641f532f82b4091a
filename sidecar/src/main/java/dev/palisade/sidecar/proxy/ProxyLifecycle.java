package dev.palisade.sidecar.proxy;

import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an assembled proxy as a process: start, serve until {@code POST /shutdown} or SIGTERM,
 * drain (for {@link ProxySettings#drainTimeout()}, see {@link DrainBudget}), stop. Readiness is
 * the runtime's ({@code /healthz/ready}).
 */
final class ProxyLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyLifecycle.class);

  private ProxyLifecycle() {}

  /** @return the exit code: 0 after a clean shutdown, 1 if the proxy could not start */
  static int run(ProxyAssembly assembly) {
    // SIGTERM (the kubelet stopping the pod): drain like POST /shutdown, then let the JVM exit.
    // The hook is in place before the proxy can report ready, and a SIGTERM that arrives while
    // it starts waits for the start to finish and then drains.
    CompletableFuture<RunningProxy> started = new CompletableFuture<>();
    Thread hook = Thread.ofPlatform().unstarted(() -> {
      RunningProxy running = started.join();
      if (running != null) {
        running.close();
      }
    });
    Runtime.getRuntime().addShutdownHook(hook);
    RunningProxy proxy;
    try {
      proxy = assembly.start();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      started.complete(null);
      return 1;
    } catch (Exception e) { // Netty rethrows bind failures (BindException) undeclared
      started.complete(null);
      LOG.error("the proxy could not start: {}", e.toString(), e);
      return 1;
    }
    LOG.info("started; a shutdown drains open connections for up to {}",
        assembly.settings().drainTimeout());
    started.complete(proxy);
    proxy.runtime().terminated().join();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down (SIGTERM): the hook is running
    }
    return 0;
  }
}
