package dev.palisade.sidecar.proxy;

import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.sidecar.config.DestinationLookup;
import dev.palisade.sidecar.metrics.Direction;
import dev.palisade.sidecar.metrics.ProxyMetrics;
import dev.palisade.sidecar.tls.TlsMaterialHolder;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sets up each connection accepted on :15001: deadline, admission, relay. */
final class OutboundInitializer extends ChannelInitializer<SocketChannel> {

  private static final Logger LOG = LoggerFactory.getLogger(OutboundInitializer.class);

  private final ProxySettings settings;
  private final Supplier<SidecarConfig> config;
  private final OriginalDestinationResolver resolver;
  private final TlsMaterialHolder tls;
  private final ProxyMetrics metrics;
  private final Upstreams upstreams;
  private final ConnectionTracker tracker;
  private final Optional<DestinationLookup> destinations;

  OutboundInitializer(ProxySettings settings, Supplier<SidecarConfig> config,
      OriginalDestinationResolver resolver, TlsMaterialHolder tls, ProxyMetrics metrics,
      Upstreams upstreams, ConnectionTracker tracker, Optional<DestinationLookup> destinations) {
    this.settings = settings;
    this.config = config;
    this.resolver = resolver;
    this.tls = tls;
    this.metrics = metrics;
    this.upstreams = upstreams;
    this.tracker = tracker;
    this.destinations = destinations;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    tracker.track(channel, Direction.OUTBOUND);
    Optional<InetSocketAddress> resolved = resolver.resolve(channel);
    if (resolved.isEmpty()) {
      LOG.warn("outbound connection from {} has no original destination; closing",
          channel.remoteAddress());
      channel.close();
      return;
    }
    InetSocketAddress destination = resolved.get();
    if (destination.isUnresolved()) {
      LOG.warn("outbound destination {} is not an IP address; closing", destination);
      channel.close();
      return;
    }
    if (destination.equals(channel.localAddress())) {
      // A client dialled the listener itself: relaying would connect back here forever.
      LOG.warn("outbound connection from {} was addressed to the outbound listener itself;"
          + " closing", channel.remoteAddress());
      channel.close();
      return;
    }
    OutboundPolicy policy = config.get().outbound();
    AdmissionRecord record = new AdmissionRecord(metrics, Direction.OUTBOUND);
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast(AdmissionDeadline.NAME,
        new AdmissionDeadline(settings.handshakeTimeout(), record));
    pipeline.addLast(OutboundAdmission.NAME, new OutboundAdmission(new OutboundAdmission.Context(
        destination, route(policy, destination), policy.requireMtls(), tls, metrics, upstreams,
        settings.idleTimeout()), record));
    pipeline.addLast(RelayHandler.NAME,
        new RelayHandler(metrics.transmittedBytes(Direction.OUTBOUND)));
  }

  /** The static policy first; then the operator, if there is one to ask; else not meshed. */
  private CompletableFuture<OutboundRoute> route(OutboundPolicy policy,
      InetSocketAddress destination) {
    String ip = destination.getAddress().getHostAddress();
    int port = destination.getPort();
    Optional<SpiffeId> listed = policy.expectedIdentity(ip, port);
    if (listed.isPresent()) {
      return CompletableFuture.completedFuture(
          new OutboundRoute.Meshed(Set.of(listed.get()), () -> { }));
    }
    if (destinations.isEmpty()) {
      return CompletableFuture.completedFuture(new OutboundRoute.NotMeshed("not_listed"));
    }
    DestinationLookup lookup = destinations.get();
    return lookup.lookup(ip, port).handle((answer, error) -> {
      if (error != null) {
        return new OutboundRoute.Unknown(error.getMessage());
      }
      if (!answer.meshed()) {
        return new OutboundRoute.NotMeshed(answer.reason());
      }
      try {
        return new OutboundRoute.Meshed(answer.identities().stream().map(SpiffeId::parse)
            .collect(Collectors.toSet()), () -> lookup.stale(ip, port));
      } catch (IllegalArgumentException e) {
        return new OutboundRoute.Unknown("the operator named an invalid identity: "
            + e.getMessage());
      }
    });
  }
}
