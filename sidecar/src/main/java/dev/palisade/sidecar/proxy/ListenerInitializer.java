package dev.palisade.sidecar.proxy;

import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.sidecar.metrics.Direction;
import dev.palisade.sidecar.metrics.ProxyMetrics;
import dev.palisade.sidecar.tls.HandshakeFailure;
import dev.palisade.sidecar.tls.TlsMaterialHolder;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both listeners do with each accepted connection: count it, find where it was going, and
 * build its pipeline as deadline, the direction's own admission, then the relay that holds bytes
 * until the other side is connected. The configuration is the one current at accept time.
 */
abstract class ListenerInitializer extends ChannelInitializer<SocketChannel> {

  private static final Logger LOG = LoggerFactory.getLogger(ListenerInitializer.class);

  /** What every connection of the proxy shares. */
  record Shared(ProxySettings settings, Supplier<SidecarConfig> config, TlsMaterialHolder tls,
      ProxyMetrics metrics, Upstreams upstreams, ConnectionTracker tracker, OwnPorts ownPorts) {}

  protected final Shared shared;
  private final Direction direction;
  private final OriginalDestinationResolver resolver;

  ListenerInitializer(Shared shared, Direction direction, OriginalDestinationResolver resolver) {
    this.shared = shared;
    this.direction = direction;
    this.resolver = resolver;
  }

  @Override
  protected final void initChannel(SocketChannel channel) {
    int max = shared.settings().maxConnections();
    if (max > 0 && shared.tracker().open() >= max) {
      // Refused before it costs anything: one connection lost, not all of them to an OOM kill.
      new AdmissionRecord(shared.metrics(), direction).failed(HandshakeFailure.OVERLOADED);
      LOG.debug("{} connection from {} refused: {} connections open (--max-connections)",
          direction.label(), channel.remoteAddress(), max);
      channel.close();
      return;
    }
    shared.tracker().track(channel, direction);
    Optional<InetSocketAddress> destination = resolver.resolve(channel);
    if (destination.isEmpty()) {
      LOG.warn("{} connection from {} has no original destination; closing", direction.label(),
          channel.remoteAddress());
      channel.close();
      return;
    }
    AdmissionRecord record = new AdmissionRecord(shared.metrics(), direction);
    if (shared.ownPorts().isLoop(destination.get(), direction == Direction.INBOUND)) {
      record.failed(HandshakeFailure.LOOP_DETECTED);
      LOG.info("{} {} refused ({}): its original destination {} is the proxy's own port",
          direction.label(), channel.remoteAddress(), HandshakeFailure.LOOP_DETECTED.label(),
          destination.get());
      channel.close();
      return;
    }
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast(AdmissionDeadline.NAME,
        new AdmissionDeadline(shared.settings().handshakeTimeout(), record));
    if (addAdmission(channel, destination.get(), shared.config().get(), record)) {
      pipeline.addLast(RelayHandler.NAME,
          new RelayHandler(record::relayed));
    }
  }

  /**
   * Adds this direction's admission handlers for a connection to {@code destination}.
   *
   * @return false if the connection was closed instead
   */
  abstract boolean addAdmission(SocketChannel channel, InetSocketAddress destination,
      SidecarConfig config, AdmissionRecord record);
}
