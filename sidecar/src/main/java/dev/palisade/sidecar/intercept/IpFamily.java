package dev.palisade.sidecar.intercept;

import dev.palisade.sidecar.proxy.InboundDelivery;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two address families a pod's rules are written for: iptables for IPv4, ip6tables for
 * IPv6, the same chains in each (docs/interception.md, "IPv6").
 */
public enum IpFamily {
  IPV4("iptables", "127.0.0.1/32", InboundDelivery.PASSTHROUGH_SOURCE + "/32"),
  /**
   * No passthrough source: the proxy hands IPv6 connections to the application from the pod's
   * own address, so its calls to its own pod are not redirected back into it over IPv6.
   */
  IPV6("ip6tables", "::1/128", null);

  private final String tool;
  private final String loopback;
  private final String passthroughSource;

  IpFamily(String tool, String loopback, String passthroughSource) {
    this.tool = tool;
    this.loopback = loopback;
    this.passthroughSource = passthroughSource;
  }

  /** {@code iptables} or {@code ip6tables}; {@code -save} and {@code -restore} are appended. */
  String tool() {
    return tool;
  }

  String loopback() {
    return loopback;
  }

  /** The source of the proxy's inbound deliveries that the rules let pass, or null. */
  String passthroughSource() {
    return passthroughSource;
  }

  /**
   * Whether this network namespace has IPv6 (it has unless the kernel was booted without it or
   * the namespace turned it off): if so, its IPv6 TCP must be intercepted or refused.
   */
  static boolean ipv6Enabled() {
    Path disabled = Path.of("/proc/sys/net/ipv6/conf/all/disable_ipv6");
    try {
      return Files.exists(disabled) && Files.readString(disabled).strip().equals("0");
    } catch (java.io.IOException e) {
      return true; // cannot tell: assume it is on, so nothing bypasses the proxy unnoticed
    }
  }
}
