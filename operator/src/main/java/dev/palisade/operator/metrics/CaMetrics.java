package dev.palisade.operator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The certificate authority's meters. Prometheus names (Micrometer appends units and
 * {@code _total}):
 *
 * <ul>
 *   <li>{@code palisade_ca_certificates_issued_total{kind,result}}: every signing request,
 *       {@code result} being {@code success} or the reason it was refused;
 *   <li>{@code palisade_ca_signing_duration_seconds}: histogram of the signing path;
 *   <li>{@code palisade_ca_expiry_timestamp_seconds{role}}: when the root and the issuer expire;
 *   <li>{@code palisade_ca_rotation_phase{phase}}: 1 for the root rotation phase the trust domain
 *       is in, 0 for the others (docs/ca.md, "Rotation, step by step").
 * </ul>
 *
 * Label values come from closed sets only (enums here, and the callers' reason enums), so the
 * number of series stays fixed whatever clients send.
 */
public final class CaMetrics {

  /** What was asked for: a workload's certificate, or the operator's own serving one. */
  public enum Kind {
    WORKLOAD, SERVER;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Which CA certificate an expiry is about. */
  public enum Role {
    ROOT, ISSUER;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Where a root rotation stands; one is 1 at a time. */
  public enum RotationPhase {
    /** One root, the issuer under it. */
    STEADY,
    /** A new root is in the bundle, reaching every peer; the issuer is still under the old one. */
    NEW_ROOT_PROPAGATING,
    /** The issuer is under the new root; the old one stays until its last leaf expires. */
    OLD_ROOT_RETIRING;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static RotationPhase of(int roots, boolean issuerUnderNewestRoot) {
      return roots <= 1 ? STEADY
          : issuerUnderNewestRoot ? OLD_ROOT_RETIRING : NEW_ROOT_PROPAGATING;
    }
  }

  private static final String ISSUED = "palisade.ca.certificates.issued";

  private final MeterRegistry registry;
  private final Timer signing;
  private final Map<Role, AtomicLong> expiries = new ConcurrentHashMap<>();
  private final Map<RotationPhase, AtomicLong> phases = new ConcurrentHashMap<>();

  public CaMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.signing = Timer.builder("palisade.ca.signing.duration")
        .description("Time to answer a signing request, from arrival to response")
        .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10))
        .register(registry);
  }

  /** Counts one signing request of {@code kind} that ended in {@code result}. */
  public void issued(Kind kind, String result) {
    issuedCounter(kind, result).increment();
  }

  /**
   * Creates the counters of every result at zero, so dashboards and {@code rate()} see a series
   * before its first event.
   */
  public void declareResults(Kind kind, Iterable<String> results) {
    results.forEach(result -> issuedCounter(kind, result));
  }

  public Timer signingDuration() {
    return signing;
  }

  /** Sets {@code palisade_ca_expiry_timestamp_seconds{role}}; the CA reconciler calls this. */
  public void caExpiry(Role role, Instant notAfter) {
    expiries.computeIfAbsent(role, r -> {
      AtomicLong seconds = new AtomicLong();
      Gauge.builder("palisade.ca.expiry.timestamp", seconds, AtomicLong::doubleValue)
          .description("When the trust domain's CA certificate of this role expires")
          .baseUnit("seconds")
          .tag("role", r.label())
          .register(registry);
      return seconds;
    }).set(notAfter.getEpochSecond());
  }

  /**
   * Sets {@code palisade_ca_rotation_phase}: the series appear with the CA, like the expiries.
   */
  public void rotationPhase(RotationPhase current) {
    for (RotationPhase phase : RotationPhase.values()) {
      phases.computeIfAbsent(phase, p -> {
        AtomicLong value = new AtomicLong();
        Gauge.builder("palisade.ca.rotation.phase", value, AtomicLong::doubleValue)
            .description("1 for the root rotation phase the trust domain is in, 0 for the others")
            .tag("phase", p.label())
            .register(registry);
        return value;
      }).set(phase == current ? 1 : 0);
    }
  }

  private Counter issuedCounter(Kind kind, String result) {
    return Counter.builder(ISSUED)
        .description("Certificate signing requests by kind and result (success or refusal reason)")
        .tag("kind", kind.label())
        .tag("result", result)
        .register(registry);
  }
}
