package dev.palisade.operator.config;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The config service's meters (Prometheus names):
 *
 * <ul>
 *   <li>{@code palisade_config_requests_total{endpoint,result}}: every answer, {@code endpoint}
 *       {@code config} or {@code destinations}, {@code result} from {@link ConfigOutcome};
 *   <li>{@code palisade_config_long_polls}: long-polls waiting for a change now;
 *   <li>{@code palisade_config_workloads}: workloads with a computed configuration;
 *   <li>{@code palisade_config_revocations{kind}}: revocations in force in every configuration,
 *       {@code kind} {@code certificate} (revoked serials) or {@code identity} (suspensions).
 * </ul>
 */
public final class ConfigMetrics {

  /** Which endpoint answered. */
  public enum Endpoint { CONFIG, DESTINATIONS }

  private final Map<Endpoint, Map<ConfigOutcome, Counter>> counters = new EnumMap<>(Endpoint.class);
  private final MeterRegistry registry;

  public ConfigMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Endpoint endpoint : Endpoint.values()) {
      Map<ConfigOutcome, Counter> byOutcome = new EnumMap<>(ConfigOutcome.class);
      for (ConfigOutcome outcome : ConfigOutcome.values()) {
        byOutcome.put(outcome, Counter.builder("palisade.config.requests")
            .description("Config service answers by endpoint and result")
            .tag("endpoint", endpoint.name().toLowerCase(java.util.Locale.ROOT))
            .tag("result", outcome.label())
            .register(registry));
      }
      counters.put(endpoint, byOutcome);
    }
  }

  void answered(Endpoint endpoint, ConfigOutcome outcome) {
    counters.get(endpoint).get(outcome).increment();
  }

  void gauges(Supplier<Number> longPolls, Supplier<Number> workloads) {
    Gauge.builder("palisade.config.long.polls", longPolls)
        .description("Long-polls waiting for a configuration change")
        .register(registry);
    Gauge.builder("palisade.config.workloads", workloads)
        .description("Workloads with a computed configuration on this replica")
        .register(registry);
  }

  void revocationGauges(Supplier<Number> certificates, Supplier<Number> identities) {
    Gauge.builder("palisade.config.revocations", certificates)
        .description("Revocations in force in every configuration served")
        .tag("kind", "certificate")
        .register(registry);
    Gauge.builder("palisade.config.revocations", identities)
        .description("Revocations in force in every configuration served")
        .tag("kind", "identity")
        .register(registry);
  }
}
