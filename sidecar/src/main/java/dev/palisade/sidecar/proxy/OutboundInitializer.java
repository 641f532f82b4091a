package dev.palisade.sidecar.proxy;

import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.sidecar.config.DestinationLookup;
import dev.palisade.sidecar.metrics.Direction;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections accepted on :15001: the outbound admission, once it is known how the destination
 * is to be reached (the static policy, else the operator's answer, else outside the mesh).
 */
final class OutboundInitializer extends ListenerInitializer {

  private static final Logger LOG = LoggerFactory.getLogger(OutboundInitializer.class);

  private final Optional<DestinationLookup> destinations;

  OutboundInitializer(Shared shared, OriginalDestinationResolver resolver,
      Optional<DestinationLookup> destinations) {
    super(shared, Direction.OUTBOUND, resolver);
    this.destinations = destinations;
  }

  @Override
  boolean addAdmission(SocketChannel channel, InetSocketAddress destination, SidecarConfig config,
      AdmissionRecord record) {
    if (destination.isUnresolved()) {
      LOG.warn("outbound destination {} is not an IP address; closing", destination);
      channel.close();
      return false;
    }
    if (destination.equals(channel.localAddress())) {
      // A client dialled the listener itself: relaying would connect back here forever.
      LOG.warn("outbound connection from {} was addressed to the outbound listener itself;"
          + " closing", channel.remoteAddress());
      channel.close();
      return false;
    }
    OutboundPolicy policy = config.outbound();
    channel.pipeline().addLast(OutboundAdmission.NAME, new OutboundAdmission(
        new OutboundAdmission.Context(destination, route(policy, destination),
            policy.requireMtls(), shared.tls(), shared.metrics(), shared.upstreams(),
            shared.settings().idleTimeout(), shared.tracker(), config), record));
    return true;
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
