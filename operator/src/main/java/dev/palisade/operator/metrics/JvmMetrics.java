package dev.palisade.operator.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The operator's JVM and process meters, for the control-plane dashboard: memory by pool, threads,
 * CPU and uptime (Micrometer's binders, standard {@code jvm_*}/{@code process_*} names). Not the
 * GC binder: its series appear only after the first collection, and heap after GC is visible in
 * the memory pools.
 */
public final class JvmMetrics {
  private JvmMetrics() {}

  public static void bindTo(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }
}
