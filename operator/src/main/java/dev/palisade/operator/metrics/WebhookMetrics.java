package dev.palisade.operator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The admission webhooks' meters, one set per webhook. Prometheus names:
 *
 * <ul>
 *   <li>{@code palisade_webhook_requests_total{webhook,result}}: every review answered, by
 *       outcome (a closed set per webhook, every series declared at zero);
 *   <li>{@code palisade_webhook_duration_seconds{webhook}}: histogram from arrival to answer.
 *       The API server's own {@code apiserver_admission_webhook_admission_duration_seconds}
 *       adds the network and TLS around it.
 * </ul>
 */
public final class WebhookMetrics {

  private final MeterRegistry registry;
  private final String webhook;
  private final Timer duration;

  public WebhookMetrics(MeterRegistry registry, String webhook, Iterable<String> results) {
    this.registry = registry;
    this.webhook = webhook;
    this.duration = Timer.builder("palisade.webhook.duration")
        .description("Time to answer an admission review, from arrival to response")
        .tag("webhook", webhook)
        .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5))
        .register(registry);
    results.forEach(this::counter);
  }

  /** Counts one review that ended in {@code result}. */
  public void answered(String result) {
    counter(result).increment();
  }

  public Timer duration() {
    return duration;
  }

  private Counter counter(String result) {
    return Counter.builder("palisade.webhook.requests")
        .description("Admission reviews answered, by webhook and result")
        .tag("webhook", webhook)
        .tag("result", result)
        .register(registry);
  }
}
