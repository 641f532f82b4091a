package dev.palisade.sidecar.proxy;

import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.sidecar.metrics.Direction;
import dev.palisade.sidecar.metrics.ProxyMetrics;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every accepted connection, for the connection metrics, for draining ({@link #drained()}
 * completes when the last one closes) and for live enforcement ({@link #enforce}).
 */
final class ConnectionTracker {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionTracker.class);

  private final ProxyMetrics metrics;
  private final Supplier<SidecarConfig> config;
  private final ChannelGroup accepted =
      new DefaultChannelGroup("palisade-accepted", GlobalEventExecutor.INSTANCE);
  private final AtomicInteger open = new AtomicInteger();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile boolean draining;

  /** @param config the configuration in force now, for connections admitted meanwhile */
  ConnectionTracker(ProxyMetrics metrics, Supplier<SidecarConfig> config) {
    this.metrics = metrics;
    this.config = config;
  }

  /**
   * {@code channel} was admitted on {@code admitted}, under {@code admittedUnder}. If another
   * configuration is in force by now, it is checked against that one too: it arrived while the
   * connection was being admitted, and {@link #enforce}, which only sees admitted connections,
   * may have missed it.
   */
  void established(Channel channel, Admitted admitted, SidecarConfig admittedUnder) {
    channel.attr(Admitted.KEY).set(admitted);
    SidecarConfig now = config.get();
    if (now != admittedUnder) {
      apply(channel, admitted, now);
    }
  }

  void track(Channel channel, Direction direction) {
    metrics.connectionOpened(direction);
    open.incrementAndGet();
    accepted.add(channel);
    channel.closeFuture().addListener(closed -> {
      metrics.connectionClosed(direction);
      if (open.decrementAndGet() == 0 && draining) {
        drained.complete(null);
      }
    });
  }

  /**
   * Closes every established connection {@code config} no longer admits, each on its own event
   * loop, counted and logged with its peer and the reason.
   */
  void enforce(SidecarConfig config) {
    for (Channel channel : accepted) {
      Admitted admitted = channel.attr(Admitted.KEY).get();
      if (admitted == null) {
        continue; // not admitted yet: the new configuration decides it anyway
      }
      apply(channel, admitted, config);
    }
  }

  /**
   * Closes {@code channel} if {@code config} no longer admits it: at once, or, where the
   * workload's MeshPolicy asks to drain, once the drain period is over and the configuration in
   * force then still does not admit it. A revoked certificate or a suspended identity is never
   * drained, even while a drain for a policy change is under way.
   */
  private void apply(Channel channel, Admitted admitted, SidecarConfig config) {
    LiveEnforcement.recheck(admitted, config).ifPresent(verdict -> {
      Duration drain = admitted.direction() == Direction.INBOUND
          && !verdict.reason().closesAtOnce()
          ? config.inbound().drainOnPolicyChange() : Duration.ZERO;
      if (drain.isZero()) {
        terminate(channel, admitted, verdict, config);
      } else if (channel.attr(DRAINING).setIfAbsent(Boolean.TRUE) == null) {
        LOG.info("{} {} from {} no longer admitted ({}): {} under config {}; draining for {}",
            admitted.direction().label(), channel.remoteAddress(), admitted.peerLabel(),
            verdict.reason().label(), verdict.detail(), config.version(), drain);
        channel.eventLoop().schedule(() -> {
          channel.attr(DRAINING).set(null);
          SidecarConfig now = this.config.get();
          LiveEnforcement.recheck(admitted, now)
              .ifPresent(still -> terminate(channel, admitted, still, now));
        }, drain.toMillis(), TimeUnit.MILLISECONDS);
      }
    });
  }

  /** Set while a drain is scheduled, so that later configurations do not schedule another. */
  private static final AttributeKey<Boolean> DRAINING =
      AttributeKey.valueOf("palisade.draining");
  /**
   * Set once terminated: a configuration arriving before the close completes, or a drain that
   * ends after a revocation closed the connection, must not count it again.
   */
  private static final AttributeKey<Boolean> TERMINATED =
      AttributeKey.valueOf("palisade.terminated");

  private void terminate(Channel channel, Admitted admitted, LiveEnforcement.Verdict verdict,
      SidecarConfig config) {
    if (channel.attr(TERMINATED).setIfAbsent(Boolean.TRUE) != null) {
      return;
    }
    metrics.connectionTerminated(admitted.direction(), verdict.reason());
    String format = "{} {} from {} closed ({}): {} under config {}";
    Object[] arguments = {admitted.direction().label(), channel.remoteAddress(),
        admitted.peerLabel(), verdict.reason().label(), verdict.detail(), config.version()};
    if (verdict.reason().closesAtOnce()) {
      LOG.warn(format, arguments); // a security event, whatever the log level
    } else {
      LOG.info(format, arguments);
    }
    channel.close();
  }

  int open() {
    return open.get();
  }

  /** Completes once no accepted connection is open; call after the listeners stopped. */
  CompletableFuture<Void> drained() {
    draining = true;
    if (open.get() == 0) {
      drained.complete(null);
    }
    return drained;
  }

  ChannelGroupFuture closeAll() {
    return accepted.close();
  }
}
