package dev.palisade.sidecar.intercept;

import dev.palisade.sidecar.proxy.OriginalDestinationResolver;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where an iptables-redirected connection was going: SO_ORIGINAL_DST on its socket. */
public final class RedirectedDestinations implements OriginalDestinationResolver {

  private static final Logger LOG = LoggerFactory.getLogger(RedirectedDestinations.class);

  @Override
  public Optional<InetSocketAddress> resolve(Channel accepted) {
    try {
      return Optional.of(OriginalDestination.of(accepted));
    } catch (SocketException e) {
      LOG.warn("no original destination for {}: {}", accepted.remoteAddress(), e.getMessage());
      return Optional.empty();
    }
  }
}
