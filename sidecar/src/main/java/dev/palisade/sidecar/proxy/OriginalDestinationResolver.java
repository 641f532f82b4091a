package dev.palisade.sidecar.proxy;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Where a client meant to connect before iptables redirected it to a sidecar listener. The
 * redirect implementation reads {@code SO_ORIGINAL_DST} from the accepted socket's descriptor:
 * with {@link Transport#EPOLL} that is {@code ((EpollSocketChannel) accepted).fd().intValue()};
 * with the default {@link Transport#NIO} it is the JDK channel's descriptor (see
 * docs/sidecar.md). {@link FixedDestinationResolver} serves tests and runs without iptables.
 */
@FunctionalInterface
public interface OriginalDestinationResolver {

  /**
   * Called once per accepted connection, on its event loop, before any byte is read: it must
   * not block.
   *
   * @return the original destination, or empty if it cannot be known (the connection is closed)
   */
  Optional<InetSocketAddress> resolve(Channel accepted);
}
