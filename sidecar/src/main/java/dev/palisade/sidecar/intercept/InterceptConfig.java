package dev.palisade.sidecar.intercept;

import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * What the init container needs to know to write a pod's interception rules. Mirrors the pod
 * annotations {@code palisade.dev/exclude-inbound-ports}, {@code palisade.dev/exclude-outbound-ports}
 * and {@code palisade.dev/exclude-outbound-cidrs}.
 *
 * <p>Exclusion lists are kept sorted and without duplicates, so the same annotations always give
 * the same script.
 */
public record InterceptConfig(
    int proxyUid,
    int inboundPort,
    int outboundPort,
    int adminPort,
    List<Integer> excludeInboundPorts,
    List<Integer> excludeOutboundPorts,
    List<Ipv4Cidr> excludeOutboundCidrs) {

  public static final int DEFAULT_PROXY_UID = 1337;
  public static final int DEFAULT_INBOUND_PORT = 15006;
  public static final int DEFAULT_OUTBOUND_PORT = 15001;
  public static final int DEFAULT_ADMIN_PORT = 15020;

  public InterceptConfig {
    if (proxyUid == 0) {
      throw new IllegalArgumentException("the proxy uid must not be 0: every process running as root would bypass the proxy");
    }
    if (proxyUid < 0) {
      throw new IllegalArgumentException("the proxy uid must be positive, got " + proxyUid);
    }
    checkPort("inbound port", inboundPort);
    checkPort("outbound port", outboundPort);
    checkPort("admin port", adminPort);
    if (inboundPort == outboundPort || inboundPort == adminPort || outboundPort == adminPort) {
      throw new IllegalArgumentException("the inbound (" + inboundPort + "), outbound (" + outboundPort
          + ") and admin (" + adminPort + ") ports must all differ");
    }
    excludeInboundPorts = sortedPorts("excluded inbound port", excludeInboundPorts);
    excludeOutboundPorts = sortedPorts("excluded outbound port", excludeOutboundPorts);
    excludeOutboundCidrs = excludeOutboundCidrs.stream()
        .distinct()
        .sorted(Comparator.comparingLong((Ipv4Cidr c) -> Integer.toUnsignedLong(c.address()))
            .thenComparingInt(Ipv4Cidr::prefixLength))
        .toList();
  }

  /** The defaults: proxy uid 1337, inbound 15006, outbound 15001, admin 15020, nothing excluded. */
  public static InterceptConfig defaults() {
    return new InterceptConfig(DEFAULT_PROXY_UID, DEFAULT_INBOUND_PORT, DEFAULT_OUTBOUND_PORT,
        DEFAULT_ADMIN_PORT, List.of(), List.of(), List.of());
  }

  private static void checkPort(String what, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("the " + what + " must be in 1..65535, got " + port);
    }
  }

  private static List<Integer> sortedPorts(String what, List<Integer> ports) {
    for (int port : ports) {
      checkPort(what, port);
    }
    return List.copyOf(new TreeSet<>(ports));
  }
}
