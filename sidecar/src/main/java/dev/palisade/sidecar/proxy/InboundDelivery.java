package dev.palisade.sidecar.proxy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * Where an admitted inbound connection is handed to the application.
 *
 * <p>{@link #POD_ADDRESS} (the default) connects to the address the client dialled, the pod's
 * own, as the connection would have arrived without a mesh: a server bound to 127.0.0.1 only
 * stays private to its pod, as it was before Palisade. The connection comes from
 * {@value #PASSTHROUGH_SOURCE}, an address of the loopback range that the interception rules
 * let pass, so it is not redirected back into the proxy. {@link #LOOPBACK} is the old behaviour
 * (every inbound connection reaches 127.0.0.1), kept for applications that bind to localhost
 * and must be migrated: the same choice and the same migration Istio 1.10 made.
 */
public enum InboundDelivery {
  POD_ADDRESS,
  LOOPBACK;

  /** The source of connections to the pod's own address; iptables passes it on lo. */
  public static final String PASSTHROUGH_SOURCE = "127.0.0.6";

  private static final InetSocketAddress PASSTHROUGH_BIND =
      new InetSocketAddress(PASSTHROUGH_SOURCE, 0);

  /** Where the application of a connection the client addressed to {@code destination} is. */
  InetSocketAddress application(InetSocketAddress destination) {
    return this == LOOPBACK
        ? new InetSocketAddress(InetAddress.getLoopbackAddress(), destination.getPort())
        : destination;
  }

  /** The local address to connect from; null lets the kernel choose. */
  InetSocketAddress source(InetSocketAddress application) {
    // An IPv4 pod address only: 127.0.0.6 cannot reach an IPv6 one.
    return this == POD_ADDRESS && application.getAddress() instanceof Inet4Address
        ? PASSTHROUGH_BIND : null;
  }

  public static InboundDelivery parse(String text) {
    try {
      return valueOf(text.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not an inbound delivery; use"
          + " pod-address or loopback");
    }
  }
}
