package dev.palisade.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exported Prometheus names, as the registry writes them (the admin server's
 * {@code /metrics} is checked over HTTP in the signing ITs).
 */
class CaMetricsTest {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final CaMetrics metrics = new CaMetrics(registry);

  @Test
  void countsIssuedCertificatesByKindAndResult() {
    metrics.declareResults(CaMetrics.Kind.WORKLOAD, List.of("success", "weak_key"));
    metrics.issued(CaMetrics.Kind.WORKLOAD, "weak_key");
    metrics.issued(CaMetrics.Kind.WORKLOAD, "weak_key");

    assertThat(registry.scrape().lines()).contains(
        "# TYPE palisade_ca_certificates_issued_total counter",
        "palisade_ca_certificates_issued_total{kind=\"workload\",result=\"success\"} 0.0",
        "palisade_ca_certificates_issued_total{kind=\"workload\",result=\"weak_key\"} 2.0");
  }

  @Test
  void signingDurationIsAHistogramInSeconds() {
    metrics.signingDuration().record(Duration.ofMillis(7));

    assertThat(registry.scrape().lines()).contains(
        "# TYPE palisade_ca_signing_duration_seconds histogram",
        "palisade_ca_signing_duration_seconds_bucket{le=\"0.005\"} 0",
        "palisade_ca_signing_duration_seconds_bucket{le=\"0.01\"} 1",
        "palisade_ca_signing_duration_seconds_count 1");
  }

  @Test
  void caExpiryIsAGaugePerRoleOnlyOnceSet() {
    assertThat(registry.scrape()).doesNotContain("palisade_ca_expiry_timestamp_seconds");

    metrics.caExpiry(CaMetrics.Role.ROOT, Instant.ofEpochSecond(2_000_000_000L));
    metrics.caExpiry(CaMetrics.Role.ISSUER, Instant.ofEpochSecond(1_900_000_000L));
    metrics.caExpiry(CaMetrics.Role.ISSUER, Instant.ofEpochSecond(1_950_000_000L));

    assertThat(registry.scrape().lines()).contains(
        "# TYPE palisade_ca_expiry_timestamp_seconds gauge",
        "palisade_ca_expiry_timestamp_seconds{role=\"root\"} 2.0E9",
        "palisade_ca_expiry_timestamp_seconds{role=\"issuer\"} 1.95E9");
  }

  @Test
  void theRotationPhaseFollowsTheRootsAndWhereTheIssuerChains() {
    assertThat(CaMetrics.RotationPhase.of(1, true)).isEqualTo(CaMetrics.RotationPhase.STEADY);
    assertThat(CaMetrics.RotationPhase.of(2, false))
        .isEqualTo(CaMetrics.RotationPhase.NEW_ROOT_PROPAGATING);
    assertThat(CaMetrics.RotationPhase.of(2, true))
        .isEqualTo(CaMetrics.RotationPhase.OLD_ROOT_RETIRING);

    metrics.rotationPhase(CaMetrics.RotationPhase.NEW_ROOT_PROPAGATING);
    metrics.rotationPhase(CaMetrics.RotationPhase.OLD_ROOT_RETIRING);

    assertThat(registry.scrape().lines()).contains(
        "palisade_ca_rotation_phase{phase=\"steady\"} 0.0",
        "palisade_ca_rotation_phase{phase=\"new_root_propagating\"} 0.0",
        "palisade_ca_rotation_phase{phase=\"old_root_retiring\"} 1.0");
  }
}
