package dev.palisade.sidecar.proxy;

import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.sidecar.ProxyIdentity;
import dev.palisade.sidecar.admin.AdminEndpoints;
import dev.palisade.sidecar.admin.AdminServer;
import dev.palisade.sidecar.admin.ProxyIdentities;
import dev.palisade.sidecar.config.DestinationLookup;
import dev.palisade.sidecar.config.OperatorDestinations;
import dev.palisade.sidecar.metrics.ProxyMetrics;
import dev.palisade.sidecar.tls.BoringSsl;
import dev.palisade.sidecar.tls.TlsContexts;
import dev.palisade.sidecar.tls.TlsMaterialHolder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running sidecar data plane: the inbound (:15006) and outbound (:15001) listeners, the
 * admin port (:15020), the TLS material holder and the metrics. {@link #shutdown()} stops
 * accepting, waits up to the drain timeout for open connections, closes the rest and stops.
 */
public final class ProxyRuntime implements AdminEndpoints, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyRuntime.class);
  private static final Duration EVENT_LOOP_QUIET = Duration.ZERO;
  private static final Duration EVENT_LOOP_STOP = Duration.ofSeconds(5);

  private final ProxySettings settings;
  private final ProxyMetrics metrics;
  private final TlsMaterialHolder tls;
  private final AtomicReference<SidecarConfig> config;
  private final ConnectionTracker tracker;
  private final OwnCertificateRevocation ownCertificate;
  private final Optional<DestinationLookup> destinations;
  private volatile boolean configured;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final AtomicBoolean shuttingDown = new AtomicBoolean();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private volatile Channel inbound;
  private volatile Channel outbound;
  private volatile AdminServer admin;

  private ProxyRuntime(ProxySettings settings) {
    this.settings = settings;
    this.metrics = new ProxyMetrics(settings.peerLabelLimit());
    this.tls = new TlsMaterialHolder(settings.tls(), metrics);
    this.config = new AtomicReference<>(settings.sidecarConfig());
    this.tracker = new ConnectionTracker(metrics, config::get);
    this.ownCertificate = new OwnCertificateRevocation(tls, settings.certificates());
    tls.updateRevocations(settings.sidecarConfig().revocations());
    metrics.revocationsInForce(settings.sidecarConfig().revocations());
    this.destinations = Optional.ofNullable(settings.operator()).map(operator ->
        new OperatorDestinations(operator, () -> tls.current().map(TlsContexts::material),
            Clock.systemUTC()));
    // With an operator, the configuration it sends is the one to enforce: not ready before it.
    this.configured = settings.operator() == null;
    Transport transport = settings.transport();
    this.boss = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
    this.workers = new MultiThreadIoEventLoopGroup(settings.eventLoopThreads(),
        transport.ioHandlerFactory());
  }

  /**
   * Binds the listeners and the admin port, then starts the certificate source. Returns once
   * listening; {@link #ready()} turns true when the first certificate is installed.
   *
   * @param inboundDestinations original destinations of connections to :15006, where the
   *     application is reached (or at its port on loopback: {@link InboundDelivery})
   * @param outboundDestinations original destinations of connections to :15001
   */
  public static ProxyRuntime start(ProxySettings settings,
      OriginalDestinationResolver inboundDestinations,
      OriginalDestinationResolver outboundDestinations) throws InterruptedException {
    LOG.info("TLS provider {}", BoringSsl.requireAvailable());
    ProxyRuntime runtime = new ProxyRuntime(settings);
    try {
      runtime.bind(inboundDestinations, outboundDestinations);
    } catch (InterruptedException | RuntimeException e) {
      runtime.stopEventLoops();
      throw e;
    }
    settings.certificates().start(runtime.tls);
    return runtime;
  }

  private void bind(OriginalDestinationResolver inboundDestinations,
      OriginalDestinationResolver outboundDestinations) throws InterruptedException {
    Transport transport = settings.transport();
    Upstreams upstreams = new Upstreams(transport, settings.connectTimeout());
    OwnPorts ownPorts = new OwnPorts();
    ListenerInitializer.Shared shared = new ListenerInitializer.Shared(settings, config::get, tls,
        metrics, upstreams, tracker, ownPorts);
    inbound = listen(transport, settings.inboundBind(),
        new InboundInitializer(shared, inboundDestinations));
    outbound = listen(transport, settings.outboundBind(),
        new OutboundInitializer(shared, outboundDestinations, destinations));
    admin = AdminServer.start(boss, workers, transport.serverChannel(), settings.adminBind(),
        this);
    ownPorts.add(inboundAddress());
    ownPorts.add(outboundAddress());
    ownPorts.add(adminAddress());
    LOG.info("listening: inbound {}, outbound {}, admin {} ({} transport, {} event loops)",
        inboundAddress(), outboundAddress(), adminAddress(), transport,
        settings.eventLoopThreads());
  }

  private Channel listen(Transport transport, InetSocketAddress address,
      ChannelInitializer<SocketChannel> initializer) throws InterruptedException {
    return new ServerBootstrap()
        .group(boss, workers)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.AUTO_READ, false) // read only once the other side is ready
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(initializer)
        .bind(address)
        .sync()
        .channel();
  }

  public InetSocketAddress inboundAddress() {
    return (InetSocketAddress) inbound.localAddress();
  }

  public InetSocketAddress outboundAddress() {
    return (InetSocketAddress) outbound.localAddress();
  }

  public InetSocketAddress adminAddress() {
    return admin.address();
  }

  /** Where certificate material is published (the identity client's sink). */
  public TlsMaterialHolder tls() {
    return tls;
  }

  public ProxyMetrics proxyMetrics() {
    return metrics;
  }

  /**
   * Replaces the policy for connections accepted from now on, and closes established ones it no
   * longer admits. Its revocations come first: handshakes under way check them as soon as they
   * are in force, and connections admitted meanwhile are re-checked against the new
   * configuration ({@link ConnectionTracker#established}). Last, a revoked own certificate is
   * renewed.
   */
  public void updateConfig(SidecarConfig next) {
    tls.updateRevocations(next.revocations());
    metrics.revocationsInForce(next.revocations());
    config.set(next);
    configured = true;
    LOG.info("sidecar config version {} in effect", next.version());
    tracker.enforce(next);
    ownCertificate.check(next.revocations());
  }

  /**
   * Ready when it can do its job: a certificate loaded, the listeners bound, and, when an operator
   * configures it, its first configuration received (an app must never start behind a proxy
   * enforcing a configuration nobody gave it).
   */
  @Override
  public boolean ready() {
    return tls.isLoaded() && configured && inbound != null && inbound.isActive()
        && outbound != null && outbound.isActive() && !shuttingDown.get();
  }

  @Override
  public Optional<ProxyIdentity> identity() {
    return tls.current().map(contexts ->
        ProxyIdentities.of(contexts.material(), config.get().version()));
  }

  @Override
  public String metrics() {
    return metrics.scrape();
  }

  /**
   * Stops accepting, drains open connections for up to the drain timeout, closes what is left
   * and stops the event loops. Idempotent; returns at once, {@link #terminated()} completes at
   * the end.
   */
  @Override
  public void shutdown() {
    if (shuttingDown.compareAndSet(false, true)) {
      Thread.ofPlatform().name("palisade-shutdown").start(this::drainAndStop);
    }
  }

  /** Completes once {@link #shutdown()} has finished. */
  public CompletableFuture<Void> terminated() {
    return terminated;
  }

  private void drainAndStop() {
    try {
      inbound.close().syncUninterruptibly();
      outbound.close().syncUninterruptibly();
      Duration deadline = settings.drainTimeout();
      LOG.info("draining {} connections for up to {}", tracker.open(), deadline);
      try {
        tracker.drained().get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("all connections closed");
      } catch (TimeoutException e) {
        LOG.warn("closing {} connections still open after {}", tracker.open(), deadline);
        tracker.closeAll().awaitUninterruptibly(EVENT_LOOP_STOP.toMillis());
      }
      settings.certificates().close();
      destinations.ifPresent(DestinationLookup::close);
      admin.close();
    } catch (Exception e) {
      LOG.error("error while shutting down", e);
    } finally {
      stopEventLoops();
      terminated.complete(null);
    }
  }

  private void stopEventLoops() {
    workers.shutdownGracefully(EVENT_LOOP_QUIET.toMillis(), EVENT_LOOP_STOP.toMillis(),
        TimeUnit.MILLISECONDS).awaitUninterruptibly(EVENT_LOOP_STOP.toMillis() * 2);
    boss.shutdownGracefully(EVENT_LOOP_QUIET.toMillis(), EVENT_LOOP_STOP.toMillis(),
        TimeUnit.MILLISECONDS).awaitUninterruptibly(EVENT_LOOP_STOP.toMillis() * 2);
  }

  /** Shuts down and waits for it. */
  @Override
  public void close() {
    shutdown();
    terminated.join();
  }
}
