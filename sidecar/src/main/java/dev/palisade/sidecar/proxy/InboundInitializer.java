package dev.palisade.sidecar.proxy;

import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.sidecar.metrics.Direction;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;

/**
 * Connections accepted on :15006: protocol detection (not on DISABLE ports), then the inbound
 * admission (mode, peer identity, AccessPolicy) for the port they were addressed to.
 */
final class InboundInitializer extends ListenerInitializer {

  InboundInitializer(Shared shared, OriginalDestinationResolver resolver) {
    super(shared, Direction.INBOUND, resolver);
  }

  @Override
  boolean addAdmission(SocketChannel channel, InetSocketAddress destination, SidecarConfig config,
      AdmissionRecord record) {
    int port = destination.getPort();
    InboundPolicy policy = config.inbound();
    MtlsMode mode = policy.modeFor(port);
    ProxySettings settings = shared.settings();
    ChannelPipeline pipeline = channel.pipeline();
    if (mode != MtlsMode.DISABLE) {
      pipeline.addLast(ProtocolSniffer.NAME, new ProtocolSniffer(
          mode == MtlsMode.PERMISSIVE ? settings.protocolDetectionTimeout() : null));
    }
    pipeline.addLast(InboundAdmission.NAME, new InboundAdmission(new InboundAdmission.Context(
        port, mode, policy, settings.inboundDelivery().application(destination), shared.tls(),
        shared.metrics(),
        shared.upstreams(), settings.inboundDelivery(), settings.idleTimeout(),
        shared.tracker(), config), record));
    return true;
  }
}
