package dev.palisade.operator.config;

import java.net.InetAddress;
import java.util.Optional;

/** IP addresses in one spelling, so a lookup finds a pod whatever form the caller wrote. */
final class Addresses {

  private Addresses() {}

  /** The canonical text of an IP literal ({@code ::1} and {@code 0:0:0:0:0:0:0:1} alike). */
  static Optional<String> normalize(String ip) {
    if (ip == null || ip.isEmpty() || ip.length() > 45) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.ofLiteral(ip).getHostAddress());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
