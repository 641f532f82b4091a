package dev.palisade.sidecar.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.HashSet;
import java.util.Set;

/**
 * The ports the proxy itself listens on, once bound. A connection whose original destination is
 * one of them on this pod would be relayed back into the proxy, again and again, until
 * {@code --max-connections} refused the pod's real traffic: it is refused as a loop instead.
 */
final class OwnPorts {

  private volatile Set<Integer> ports = Set.of();

  void add(InetSocketAddress bound) {
    Set<Integer> next = new HashSet<>(ports);
    next.add(bound.getPort());
    ports = Set.copyOf(next);
  }

  /**
   * Whether relaying to {@code destination} would reach this proxy again. Inbound destinations
   * are always this pod's; an outbound one is when its address is local (loopback, or one of
   * the pod's interfaces: looked up only for the proxy's ports, so rarely).
   */
  boolean isLoop(InetSocketAddress destination, boolean inbound) {
    if (!ports.contains(destination.getPort())) {
      return false;
    }
    return inbound || isLocal(destination.getAddress());
  }

  private static boolean isLocal(InetAddress address) {
    if (address == null || address.isLoopbackAddress() || address.isAnyLocalAddress()) {
      return true;
    }
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false;
    }
  }
}
