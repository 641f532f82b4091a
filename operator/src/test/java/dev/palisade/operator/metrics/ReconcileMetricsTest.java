package dev.palisade.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javaoperatorsdk.operator.api.monitoring.Metrics.ControllerExecution;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How java-operator-sdk's timing hook becomes Prometheus series. */
class ReconcileMetricsTest {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ReconcileMetrics metrics = new ReconcileMetrics(registry);

  @Test
  void aDeclaredControllerHasItsSeriesAtZero() {
    metrics.declare("meshpolicyreconciler");

    assertThat(registry.scrape().lines()).contains(
        "palisade_reconciliations_total{controller=\"meshpolicyreconciler\",result=\"success\"} 0.0",
        "palisade_reconciliations_total{controller=\"meshpolicyreconciler\",result=\"failure\"} 0.0",
        "palisade_reconcile_duration_seconds_count{controller=\"meshpolicyreconciler\"} 0");
  }

  @Test
  void runsAreCountedByResultAndTimedAndAFailureIsRethrown() throws Exception {
    assertThat(metrics.timeControllerExecution(execution(() -> "done"))).isEqualTo("done");
    assertThatThrownBy(() -> metrics.timeControllerExecution(execution(() -> {
      throw new IllegalStateException("conflict");
    }))).hasMessage("conflict");

    assertThat(registry.scrape().lines()).contains(
        "palisade_reconciliations_total{controller=\"trustdomainreconciler\",result=\"success\"} 1.0",
        "palisade_reconciliations_total{controller=\"trustdomainreconciler\",result=\"failure\"} 1.0",
        "palisade_reconcile_duration_seconds_count{controller=\"trustdomainreconciler\"} 2");
  }

  private interface Body {
    String run() throws Exception;
  }

  private static ControllerExecution<String> execution(Body body) {
    return new ControllerExecution<>() {
      @Override
      public String name() {
        return "reconcile";
      }

      @Override
      public String controllerName() {
        return "trustdomainreconciler";
      }

      @Override
      public String successTypeName(String result) {
        return "resource";
      }

      @Override
      public ResourceID resourceID() {
        return new ResourceID("example");
      }

      @Override
      public Map<String, Object> metadata() {
        return Map.of();
      }

      @Override
      public String execute() throws Exception {
        return body.run();
      }
    };
  }
}
