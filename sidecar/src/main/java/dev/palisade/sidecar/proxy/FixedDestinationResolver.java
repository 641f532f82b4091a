package dev.palisade.sidecar.proxy;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Sends every connection of a listener to one destination: the application's port for an
 * inbound listener without iptables, or one upstream for an outbound listener.
 */
public record FixedDestinationResolver(InetSocketAddress destination)
    implements OriginalDestinationResolver {

  /** The application on this host at {@code port}. */
  public static FixedDestinationResolver localPort(int port) {
    return new FixedDestinationResolver(new InetSocketAddress("127.0.0.1", port));
  }

  @Override
  public Optional<InetSocketAddress> resolve(Channel accepted) {
    return Optional.of(destination);
  }
}
