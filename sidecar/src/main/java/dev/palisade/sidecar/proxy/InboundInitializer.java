package dev.palisade.sidecar.proxy;

import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.sidecar.metrics.Direction;
import dev.palisade.sidecar.metrics.ProxyMetrics;
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
 * Sets up each connection accepted on :15006: deadline first, then protocol detection (not on
 * DISABLE ports), the admission, and the relay that holds bytes until the application is
 * connected. The mode and rules are those current when the connection is accepted.
 */
final class InboundInitializer extends ChannelInitializer<SocketChannel> {

  private static final Logger LOG = LoggerFactory.getLogger(InboundInitializer.class);

  private final ProxySettings settings;
  private final Supplier<SidecarConfig> config;
  private final OriginalDestinationResolver resolver;
  private final TlsMaterialHolder tls;
  private final ProxyMetrics metrics;
  private final Upstreams upstreams;
  private final ConnectionTracker tracker;

  InboundInitializer(ProxySettings settings, Supplier<SidecarConfig> config,
      OriginalDestinationResolver resolver, TlsMaterialHolder tls, ProxyMetrics metrics,
      Upstreams upstreams, ConnectionTracker tracker) {
    this.settings = settings;
    this.config = config;
    this.resolver = resolver;
    this.tls = tls;
    this.metrics = metrics;
    this.upstreams = upstreams;
    this.tracker = tracker;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    tracker.track(channel, Direction.INBOUND);
    Optional<InetSocketAddress> destination = resolver.resolve(channel);
    if (destination.isEmpty()) {
      LOG.warn("inbound connection from {} has no original destination; closing",
          channel.remoteAddress());
      channel.close();
      return;
    }
    int port = destination.get().getPort();
    InboundPolicy policy = config.get().inbound();
    MtlsMode mode = policy.modeFor(port);
    AdmissionRecord record = new AdmissionRecord(metrics, Direction.INBOUND);
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast(AdmissionDeadline.NAME,
        new AdmissionDeadline(settings.handshakeTimeout(), record));
    if (mode != MtlsMode.DISABLE) {
      pipeline.addLast(ProtocolSniffer.NAME, new ProtocolSniffer(
          mode == MtlsMode.PERMISSIVE ? settings.protocolDetectionTimeout() : null));
    }
    pipeline.addLast(InboundAdmission.NAME, new InboundAdmission(new InboundAdmission.Context(
        port, mode, policy, settings.applicationAddress(), tls, metrics, upstreams,
        settings.idleTimeout()), record));
    pipeline.addLast(RelayHandler.NAME,
        new RelayHandler(metrics.transmittedBytes(Direction.INBOUND)));
  }
}
