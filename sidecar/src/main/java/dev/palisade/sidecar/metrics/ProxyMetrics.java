package dev.palisade.sidecar.metrics;

import dev.palisade.common.revocation.Revocations;
import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.sidecar.tls.HandshakeFailure;
import dev.palisade.sidecar.tls.InvalidTlsMaterialException;
import dev.palisade.sidecar.tls.KeyExchangeGroups;
import dev.palisade.sidecar.tls.TlsContexts;
import dev.palisade.sidecar.tls.TlsMaterial;
import dev.palisade.sidecar.tls.TlsMaterialHolder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.Unit;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The sidecar's Prometheus metrics, with exactly the names of the public contract
 * (docs/architecture.md). Every label combination that can occur is registered up front, so
 * series exist at zero and {@code increase()} alerts work from the first failure; the one
 * exception is a {@code peer} label holding a SPIFFE ID, whose series start with that peer's
 * first connection (their number bounded by {@link PeerLabels}).
 */
public final class ProxyMetrics implements TlsMaterialHolder.Listener {

  public static final String SUCCESS = "success";
  public static final String FAILURE = "failure";
  public static final String PLAINTEXT = "plaintext";
  /** The reason of a successful handshake. */
  public static final String NO_REASON = "none";

  private static final List<String> DECISIONS = List.of("allow", "deny", "audit");

  /** Seconds; a full ECDSA handshake on loopback takes about a millisecond. */
  private static final double[] HANDSHAKE_BUCKETS = {
      0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<Direction, Counter> handshakeSuccesses = new EnumMap<>(Direction.class);
  private final Map<Direction, Counter> resumedHandshakes = new EnumMap<>(Direction.class);
  private final Map<Direction, Map<HandshakeFailure, Counter>> handshakeFailures =
      new EnumMap<>(Direction.class);
  private final Map<Direction, Map<PlaintextReason, Counter>> plaintext =
      new EnumMap<>(Direction.class);
  /** By direction, then negotiated key exchange group. */
  private final Map<Direction, Map<String, DistributionDataPoint>> handshakeDurations =
      new EnumMap<>(Direction.class);
  private final Map<Direction, AtomicInteger> active = new EnumMap<>(Direction.class);
  private final PeerLabels peers;
  /** By direction, then peer label; filled as peers appear (bounded by {@link PeerLabels}). */
  private final Map<Direction, Map<String, Counter>> connections = new EnumMap<>(Direction.class);
  private final Map<Direction, Map<String, Counter>> transmitted = new EnumMap<>(Direction.class);
  /** By decision, then peer label. */
  private final Map<String, Map<String, Counter>> inboundDecisions = new HashMap<>();
  private final Map<Direction, Map<TerminationReason, Counter>> terminated =
      new EnumMap<>(Direction.class);
  private final Counter renewalSuccesses;
  private final Counter renewalFailures;
  private final AtomicReference<X509Certificate> lastLeaf = new AtomicReference<>();
  private final AtomicLong certificateExpiry = new AtomicLong(-1);
  private final AtomicInteger revokedCertificates = new AtomicInteger();
  private final AtomicInteger suspendedIdentities = new AtomicInteger();

  public ProxyMetrics() {
    this(PeerLabels.DEFAULT_LIMIT);
  }

  /** @param peerLabelLimit distinct peer identities labelled before the rest count as other */
  public ProxyMetrics(int peerLabelLimit) {
    this.peers = new PeerLabels(peerLabelLimit);
    // A plain Prometheus histogram: a Micrometer Timer would add a _max gauge the contract
    // does not have.
    Histogram durations = Histogram.builder()
        .withoutExemplars() // exemplars need the tracer initializer, which is not shipped
        .name("palisade_tls_handshake_duration_seconds")
        .help("Time from accepting (inbound) or connecting (outbound) to a completed mTLS"
            + " handshake with the peer's identity checked, by the key exchange group negotiated")
        .unit(Unit.SECONDS)
        .labelNames("direction", "group")
        .classicOnly()
        .classicUpperBounds(HANDSHAKE_BUCKETS)
        .register(registry.getPrometheusRegistry());
    for (Direction direction : Direction.values()) {
      String d = direction.label();
      handshakeSuccesses.put(direction, handshakes(d, SUCCESS, NO_REASON));
      resumedHandshakes.put(direction, Counter.builder("palisade.tls.resumed.handshakes")
          .description("Successful mTLS handshakes that resumed an earlier session (a part of"
              + " palisade_tls_handshakes_total{result=\"success\"})")
          .tag("direction", d)
          .register(registry));
      Map<HandshakeFailure, Counter> failures = new EnumMap<>(HandshakeFailure.class);
      for (HandshakeFailure reason : HandshakeFailure.values()) {
        failures.put(reason, handshakes(d, FAILURE, reason.label()));
      }
      handshakeFailures.put(direction, failures);
      Map<PlaintextReason, Counter> plain = new EnumMap<>(PlaintextReason.class);
      for (PlaintextReason reason : PlaintextReason.values()) {
        if ((reason == PlaintextReason.NOT_MESHED) == (direction == Direction.OUTBOUND)) {
          plain.put(reason, handshakes(d, PLAINTEXT, reason.label()));
        }
      }
      plaintext.put(direction, plain);
      Map<String, DistributionDataPoint> byGroup = new HashMap<>();
      for (String group : KeyExchangeGroups.LABELS) {
        byGroup.put(group, durations.labelValues(d, group));
      }
      handshakeDurations.put(direction, byGroup);
      AtomicInteger gauge = new AtomicInteger();
      active.put(direction, gauge);
      Gauge.builder("palisade.connections.active", gauge, AtomicInteger::get)
          .description("Connections open now, by the listener they came through")
          .tag("direction", d)
          .register(registry);
      Map<TerminationReason, Counter> closed = new EnumMap<>(TerminationReason.class);
      for (TerminationReason reason : TerminationReason.values()) {
        closed.put(reason, Counter.builder("palisade.connections.terminated")
            .description("Established connections closed because a new configuration no longer"
                + " admits them (a policy change, a revocation or a suspension), by reason")
            .tag("direction", d)
            .tag("reason", reason.label())
            .register(registry));
      }
      terminated.put(direction, closed);
      connections.put(direction, new ConcurrentHashMap<>());
      transmitted.put(direction, new ConcurrentHashMap<>());
      for (String peer : List.of(PeerLabels.PLAINTEXT, PeerLabels.UNKNOWN, PeerLabels.OTHER)) {
        connectionsCounter(direction, peer);
      }
      for (String peer : List.of(PeerLabels.PLAINTEXT, PeerLabels.OTHER)) {
        transmittedBytes(direction, peer);
      }
    }
    for (String decision : DECISIONS) {
      inboundDecisions.put(decision, new ConcurrentHashMap<>());
      for (String peer : List.of(PeerLabels.PLAINTEXT, PeerLabels.OTHER)) {
        decisionCounter(decision, peer);
      }
    }
    renewalSuccesses = renewals(SUCCESS);
    renewalFailures = renewals(FAILURE);
    Gauge.builder("palisade.certificate.expiry.timestamp.seconds", certificateExpiry,
            value -> value.get() < 0 ? Double.NaN : value.get())
        .description("notAfter of the certificate being served, as a Unix timestamp; NaN before"
            + " the first one")
        .register(registry);
    revocationsGauge("certificate", revokedCertificates);
    revocationsGauge("identity", suspendedIdentities);
  }

  private void revocationsGauge(String kind, AtomicInteger size) {
    Gauge.builder("palisade.revocations.in.force", size, AtomicInteger::get)
        .description("Revocations in force in the configuration this proxy enforces: revoked"
            + " certificate serials (certificate) and suspended identities (identity)")
        .tag("kind", kind)
        .register(registry);
  }

  private Counter handshakes(String direction, String result, String reason) {
    return Counter.builder("palisade.tls.handshakes")
        .description("Connection admissions: mTLS handshakes (result success or failure with a"
            + " reason) and plaintext connections relayed (result plaintext)")
        .tag("direction", direction)
        .tag("result", result)
        .tag("reason", reason)
        .register(registry);
  }

  private Counter connectionsCounter(Direction direction, String peer) {
    return connections.get(direction).computeIfAbsent(peer, p ->
        Counter.builder("palisade.connections")
            .description("Connections admitted or refused, by listener and peer identity")
            .tag("direction", direction.label())
            .tag("peer", p)
            .register(registry));
  }

  private Counter decisionCounter(String decision, String peer) {
    return inboundDecisions.get(decision).computeIfAbsent(peer, p ->
        Counter.builder("palisade.authz.decisions")
            .description("Authorization decisions on inbound connections, by peer identity")
            .tag("direction", Direction.INBOUND.label())
            .tag("decision", decision)
            .tag("peer", p)
            .register(registry));
  }

  private Counter renewals(String result) {
    return Counter.builder("palisade.certificate.renewals")
        .description("Certificate material received: installed (success) or refused or not"
            + " obtained (failure)")
        .tag("result", result)
        .register(registry);
  }

  /**
   * @param group the key exchange group's label ({@link KeyExchangeGroups#LABELS})
   * @param resumed whether it resumed an earlier session
   */
  public void handshakeSucceeded(Direction direction, Duration took, String group,
      boolean resumed) {
    handshakeSuccesses.get(direction).increment();
    if (resumed) {
      resumedHandshakes.get(direction).increment();
    }
    DistributionDataPoint durations = handshakeDurations.get(direction).get(group);
    if (durations == null) {
      throw new IllegalArgumentException("unknown key exchange group label " + group);
    }
    durations.observe(took.toNanos() / 1e9);
  }

  public void handshakeFailed(Direction direction, HandshakeFailure reason) {
    handshakeFailures.get(direction).get(reason).increment();
  }

  public void plaintextAccepted(Direction direction, PlaintextReason reason) {
    Counter counter = plaintext.get(direction).get(reason);
    if (counter == null) {
      throw new IllegalArgumentException(reason + " is not a " + direction + " reason");
    }
    counter.increment();
  }

  /**
   * Records an inbound authorization decision: {@code allow}, {@code deny} or {@code audit}.
   *
   * @param peer the peer's label ({@link #peerLabel} or {@link PeerLabels#PLAINTEXT})
   */
  public void inboundDecision(String decision, String peer) {
    if (!inboundDecisions.containsKey(decision)) {
      throw new IllegalArgumentException("unknown decision " + decision);
    }
    decisionCounter(decision, peer).increment();
  }

  /** The {@code peer} label for a verified identity (bounded: {@link PeerLabels}). */
  public String peerLabel(SpiffeId peer) {
    return peers.of(peer);
  }

  /** A connection admitted or refused, once per connection, with its peer's label. */
  public void connectionDecided(Direction direction, String peer) {
    connectionsCounter(direction, peer).increment();
  }

  /** An established connection closed because a new configuration no longer admits it. */
  public void connectionTerminated(Direction direction, TerminationReason reason) {
    terminated.get(direction).get(reason).increment();
  }

  /** The revocations of the configuration now in force. */
  public void revocationsInForce(Revocations revocations) {
    revokedCertificates.set(revocations.serials().size());
    suspendedIdentities.set(revocations.identities().size());
  }

  /** Accepted: counted as open until {@link #connectionClosed}. */
  public void connectionOpened(Direction direction) {
    active.get(direction).incrementAndGet();
  }

  public void connectionClosed(Direction direction) {
    active.get(direction).decrementAndGet();
  }

  /** The counter relays add to, fetched once per connection rather than per read. */
  public Counter transmittedBytes(Direction direction, String peer) {
    return transmitted.get(direction).computeIfAbsent(peer, p ->
        Counter.builder("palisade.transmitted")
            .baseUnit("bytes")
            .description("Application bytes relayed, both ways, by listener and peer identity")
            .tag("direction", direction.label())
            .tag("peer", p)
            .register(registry));
  }

  /** A renewal attempt that produced no material (the CA refused or was unreachable). */
  @Override
  public void sourceFailed() {
    renewalFailures.increment();
  }

  /** A new certificate counts as a renewal; the same one with a new trust bundle does not. */
  @Override
  public void installed(TlsContexts contexts) {
    X509Certificate leaf = contexts.material().leaf();
    if (!leaf.equals(lastLeaf.getAndSet(leaf))) {
      renewalSuccesses.increment();
    }
    certificateExpiry.set(contexts.material().notAfter().getEpochSecond());
  }

  @Override
  public void rejected(TlsMaterial material, InvalidTlsMaterialException error) {
    renewalFailures.increment();
  }

  /** The Prometheus text exposition of everything registered. */
  public String scrape() {
    return registry.scrape();
  }

  /** For adding JVM or process metrics alongside. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }
}
