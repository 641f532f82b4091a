package dev.palisade.operator.config;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The config service's meter binder as {@link ConfigService} registers it (its gauges are
 * package-private), for the metrics reference test of the cli module.
 */
public final class ConfigMetricsAccess {

  private ConfigMetricsAccess() {}

  public static void register(MeterRegistry registry) {
    ConfigMetrics metrics = new ConfigMetrics(registry);
    metrics.gauges(() -> 0, () -> 0);
    metrics.revocationGauges(() -> 0, () -> 0);
  }
}
