package dev.palisade.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.policy.PolicyAction;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.revocation.Revocations;
import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.sidecar.metrics.Direction;
import dev.palisade.sidecar.metrics.ProxyMetrics;
import dev.palisade.sidecar.testing.AccessRules;
import dev.palisade.sidecar.testing.Metrics;
import io.netty.channel.embedded.EmbeddedChannel;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Live enforcement's bookkeeping on real (embedded) Netty channels. */
class ConnectionTrackerTest {

  private static final SpiffeId FRONTEND =
      SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/frontend");
  private static final SidecarConfig ALLOW = new SidecarConfig("v1",
      InboundPolicy.strictDefault(), OutboundPolicy.passthrough());
  private static final SidecarConfig DENY = new SidecarConfig("v2", new InboundPolicy(
      MtlsMode.STRICT, Map.of(), List.of(AccessRules.rule("shop/no-frontend",
          PolicyAction.DENY, FRONTEND.toString()))), OutboundPolicy.passthrough());

  private static final SidecarConfig DENY_AFTER_DRAIN = new SidecarConfig("v3",
      DENY.inbound().withDrainOnPolicyChange(Duration.ofSeconds(30)),
      OutboundPolicy.passthrough());

  private static final BigInteger SERIAL = BigInteger.valueOf(0x5eed);
  /** Drains on a policy change, and revokes the frontend's certificate. */
  private static final SidecarConfig REVOKED_WHILE_DRAINING = new SidecarConfig("v4",
      DENY_AFTER_DRAIN.inbound(), OutboundPolicy.passthrough(),
      new Revocations(Set.of(SERIAL), Set.of()));

  private final ProxyMetrics metrics = new ProxyMetrics();
  private final AtomicReference<SidecarConfig> config = new AtomicReference<>(ALLOW);
  private final ConnectionTracker tracker = new ConnectionTracker(metrics, config::get);

  @Test
  void aConfigurationThatNoLongerAdmitsAConnectionClosesIt() {
    EmbeddedChannel channel = tracked();
    tracker.established(channel, frontendOn8080(), ALLOW);
    assertThat(channel.isOpen()).isTrue();

    config.set(DENY);
    tracker.enforce(DENY);

    assertThat(channel.isOpen()).isFalse();
    assertThat(terminated()).isEqualTo(1);
  }

  @Test
  void aConnectionAdmittedUnderTheOldConfigurationAfterTheNewOneArrivedIsCheckedToo() {
    EmbeddedChannel channel = tracked();
    config.set(DENY);
    tracker.enforce(DENY); // before the connection was established: it did not see it

    tracker.established(channel, frontendOn8080(), ALLOW);

    assertThat(channel.isOpen()).isFalse();
    assertThat(terminated()).isEqualTo(1);
  }

  @Test
  void connectionsNotYetAdmittedAreLeftToTheirAdmission() {
    EmbeddedChannel channel = tracked();
    config.set(DENY);
    tracker.enforce(DENY);
    assertThat(channel.isOpen()).isTrue();
    assertThat(terminated()).isZero();
  }

  @Test
  void aDrainingWorkloadsConnectionIsClosedOnlyAfterItsDrainPeriod() {
    EmbeddedChannel channel = tracked();
    tracker.established(channel, frontendOn8080(), ALLOW);

    config.set(DENY_AFTER_DRAIN);
    tracker.enforce(DENY_AFTER_DRAIN);
    channel.runPendingTasks();
    assertThat(channel.isOpen()).as("draining").isTrue();

    channel.advanceTimeBy(30, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isFalse();
    assertThat(terminated()).isEqualTo(1);
  }

  @Test
  void aConnectionAdmittedAgainWhileDrainingStaysOpen() {
    EmbeddedChannel channel = tracked();
    tracker.established(channel, frontendOn8080(), ALLOW);
    config.set(DENY_AFTER_DRAIN);
    tracker.enforce(DENY_AFTER_DRAIN);

    config.set(ALLOW); // the DENY was lifted within the drain period
    tracker.enforce(ALLOW);
    channel.advanceTimeBy(30, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();

    assertThat(channel.isOpen()).isTrue();
    assertThat(terminated()).isZero();
  }

  @Test
  void aRevokedCertificateIsClosedAtOnceEvenWhereTheWorkloadDrains() {
    EmbeddedChannel channel = tracked();
    tracker.established(channel, frontendOn8080(), ALLOW);

    config.set(REVOKED_WHILE_DRAINING);
    tracker.enforce(REVOKED_WHILE_DRAINING);

    assertThat(channel.isOpen()).isFalse();
    assertThat(terminated("revoked")).isEqualTo(1);
  }

  @Test
  void aRevocationDuringAPolicyDrainClosesAtOnceAndIsCountedOnce() {
    EmbeddedChannel channel = tracked();
    tracker.established(channel, frontendOn8080(), ALLOW);
    config.set(DENY_AFTER_DRAIN);
    tracker.enforce(DENY_AFTER_DRAIN);
    assertThat(channel.isOpen()).as("draining").isTrue();

    config.set(REVOKED_WHILE_DRAINING);
    tracker.enforce(REVOKED_WHILE_DRAINING);
    assertThat(channel.isOpen()).isFalse();
    channel.advanceTimeBy(30, TimeUnit.SECONDS); // the drain ends after the close
    channel.runScheduledPendingTasks();

    assertThat(terminated("revoked")).isEqualTo(1);
    assertThat(terminated()).as("policy_denied").isZero();
  }

  private EmbeddedChannel tracked() {
    EmbeddedChannel channel = new EmbeddedChannel();
    tracker.track(channel, Direction.INBOUND);
    return channel;
  }

  private static Admitted frontendOn8080() {
    return new Admitted(Direction.INBOUND, 8080,
        Optional.of(new VerifiedPeer(FRONTEND, SERIAL)), FRONTEND.toString());
  }

  private double terminated() {
    return terminated("policy_denied");
  }

  private double terminated(String reason) {
    return Metrics.value(metrics.scrape(), "palisade_connections_terminated_total",
        Map.of("direction", "inbound", "reason", reason));
  }
}
