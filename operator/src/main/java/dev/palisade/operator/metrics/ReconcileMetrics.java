package dev.palisade.operator.metrics;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.processing.Controller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The reconcilers' meters, given to java-operator-sdk (which has no Micrometer binding of its
 * own in the version we use). Prometheus names:
 *
 * <ul>
 *   <li>{@code palisade_reconciliations_total{controller,result}}: reconciler runs, {@code
 *       success} or {@code failure} (an exception: JOSDK retries it with backoff);
 *   <li>{@code palisade_reconcile_duration_seconds{controller}}: histogram of a run.
 * </ul>
 *
 * <p>Series exist from the controller's registration; only the leader reconciles, so a
 * follower's stay at zero.
 */
public final class ReconcileMetrics implements Metrics {

  public static final String SUCCESS = "success";
  public static final String FAILURE = "failure";

  private final MeterRegistry registry;

  public ReconcileMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void controllerRegistered(Controller<? extends HasMetadata> controller) {
    declare(controller.getConfiguration().getName());
  }

  /** Registers a controller's series at zero. */
  public void declare(String controller) {
    runs(controller, SUCCESS);
    runs(controller, FAILURE);
    duration(controller);
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    String controller = execution.controllerName();
    long start = System.nanoTime();
    try {
      T result = execution.execute();
      runs(controller, SUCCESS).increment();
      return result;
    } catch (Exception e) {
      runs(controller, FAILURE).increment();
      throw e;
    } finally {
      duration(controller).record(Duration.ofNanos(System.nanoTime() - start));
    }
  }

  private Counter runs(String controller, String result) {
    return Counter.builder("palisade.reconciliations")
        .description("Reconciler runs (reconcile or cleanup), by controller and result")
        .tag("controller", controller)
        .tag("result", result)
        .register(registry);
  }

  private Timer duration(String controller) {
    return Timer.builder("palisade.reconcile.duration")
        .description("Time a reconciler run takes, by controller")
        .tag("controller", controller)
        .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(25),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1),
            Duration.ofSeconds(5), Duration.ofSeconds(30))
        .register(registry);
  }
}
