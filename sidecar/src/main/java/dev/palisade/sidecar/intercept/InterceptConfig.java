package dev.palisade.sidecar.intercept;

import dev.palisade.common.net.Port;
import dev.palisade.common.sidecar.SidecarContract;
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

  /** The contract's uid and ports ({@link SidecarContract}), nothing excluded. */
  public static InterceptConfig defaults() {
    return new InterceptConfig(SidecarContract.PROXY_UID, SidecarContract.INBOUND_PORT,
        SidecarContract.OUTBOUND_PORT, SidecarContract.ADMIN_PORT, List.of(), List.of(),
        List.of());
  }

  private static void checkPort(String what, int port) {
    try {
      Port.of(port);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the " + what + ": " + e.getMessage(), e);
    }
  }

  private static List<Integer> sortedPorts(String what, List<Integer> ports) {
    for (int port : ports) {
      checkPort(what, port);
    }
    return List.copyOf(new TreeSet<>(ports));
  }
}
