package dev.palisade.operator.injection;

import dev.palisade.common.net.Port;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pod's Palisade annotations, checked. The exclusion lists follow the rules of
 * {@code palisade-proxy init} (docs/interception.md): ports are single numbers 1..65535, CIDRs
 * IPv4 with host bits zero and no leading zeros, a bare address meaning /32; blanks between
 * commas are ignored. Checking here turns a typo into an admission error the user sees at
 * {@code kubectl apply}, instead of an init container that exits 2 and a pod that never starts.
 *
 * <p>Lists come out sorted, de-duplicated and canonical, so equal annotations give equal specs.
 *
 * @param excludeInboundPorts {@code palisade.dev/exclude-inbound-ports}
 * @param excludeOutboundPorts {@code palisade.dev/exclude-outbound-ports}
 * @param excludeOutboundCidrs {@code palisade.dev/exclude-outbound-cidrs}, as {@code a.b.c.d/len}
 * @param cpu {@code palisade.dev/proxy-cpu}, else the operator's default
 * @param memory {@code palisade.dev/proxy-memory}, else the operator's default
 */
public record ProxyOptions(List<Integer> excludeInboundPorts, List<Integer> excludeOutboundPorts,
    List<String> excludeOutboundCidrs, String cpu, String memory) {

  private static final Pattern IPV4 =
      Pattern.compile("([0-9]+)\\.([0-9]+)\\.([0-9]+)\\.([0-9]+)(?:/([0-9]+))?");
  /**
   * A Kubernetes quantity without sign: digits with an optional fraction, then a binary suffix
   * (Ki..Ei), a decimal one (n, u, m, k, M, G, T, P, E) or an exponent.
   */
  private static final Pattern QUANTITY = Pattern.compile(
      "([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?");

  public ProxyOptions {
    excludeInboundPorts = List.copyOf(excludeInboundPorts);
    excludeOutboundPorts = List.copyOf(excludeOutboundPorts);
    excludeOutboundCidrs = List.copyOf(excludeOutboundCidrs);
  }

  /** Reads the annotations of a pod; {@code defaults} supplies cpu and memory when not set. */
  public static ProxyOptions from(Map<String, String> annotations, InjectionSettings defaults)
      throws InvalidAnnotationException {
    return new ProxyOptions(
        ports(InjectionContract.EXCLUDE_INBOUND_PORTS, annotations),
        ports(InjectionContract.EXCLUDE_OUTBOUND_PORTS, annotations),
        cidrs(annotations),
        quantity(InjectionContract.PROXY_CPU, annotations, defaults.proxyCpu()),
        quantity(InjectionContract.PROXY_MEMORY, annotations, defaults.proxyMemory()));
  }

  /** Whether {@code value} is a positive Kubernetes quantity such as {@code 100m} or {@code 64Mi}. */
  public static boolean isPositiveQuantity(String value) {
    return value != null && QUANTITY.matcher(value).matches() && value.matches("^[^eE]*[1-9].*");
  }

  private static List<Integer> ports(String annotation, Map<String, String> annotations)
      throws InvalidAnnotationException {
    TreeSet<Integer> ports = new TreeSet<>();
    for (String item : items(annotations.get(annotation))) {
      try {
        ports.add(Port.parse(item).value());
      } catch (IllegalArgumentException e) {
        throw new InvalidAnnotationException(annotation, annotations.get(annotation),
            e.getMessage() + "; write ports separated by commas, like 22,8081");
      }
    }
    return List.copyOf(ports);
  }

  private static List<String> cidrs(Map<String, String> annotations)
      throws InvalidAnnotationException {
    String annotation = InjectionContract.EXCLUDE_OUTBOUND_CIDRS;
    TreeSet<Ipv4Network> networks = new TreeSet<>();
    for (String item : items(annotations.get(annotation))) {
      try {
        networks.add(Ipv4Network.parse(item));
      } catch (IllegalArgumentException e) {
        throw new InvalidAnnotationException(annotation, annotations.get(annotation),
            e.getMessage());
      }
    }
    return networks.stream().map(Ipv4Network::toString).toList();
  }

  private static String quantity(String annotation, Map<String, String> annotations,
      String fallback) throws InvalidAnnotationException {
    String value = annotations.get(annotation);
    if (value == null) {
      return fallback;
    }
    if (!isPositiveQuantity(value.strip())) {
      throw new InvalidAnnotationException(annotation, value, "not a positive Kubernetes quantity;"
          + " write CPU like 100m or 0.5 and memory like 64Mi or 1Gi");
    }
    return value.strip();
  }

  private static List<String> items(String value) {
    List<String> items = new ArrayList<>();
    if (value != null) {
      for (String part : value.split(",", -1)) {
        if (!part.isBlank()) {
          items.add(part.strip());
        }
      }
    }
    return items;
  }

  /** An IPv4 network, strictly parsed: it decides what bypasses the proxy. */
  private record Ipv4Network(long address, int prefixLength) implements Comparable<Ipv4Network> {

    static Ipv4Network parse(String text) {
      String problem = "\"" + text + "\" ";
      if (text.contains(":")) {
        throw new IllegalArgumentException(problem + "is IPv6; Palisade intercepts IPv4 only,"
            + " so only IPv4 networks can be excluded");
      }
      Matcher m = IPV4.matcher(text);
      if (!m.matches()) {
        throw new IllegalArgumentException(problem + "is not an IPv4 network; write networks"
            + " like 10.96.0.0/12 or addresses like 10.96.0.10, separated by commas");
      }
      long address = 0;
      for (int i = 1; i <= 4; i++) {
        String octet = m.group(i);
        if (octet.length() > 1 && octet.startsWith("0")) {
          throw new IllegalArgumentException(problem + "has octet \"" + octet
              + "\" with a leading zero, which some tools read as octal");
        }
        if (octet.length() > 3 || Integer.parseInt(octet) > 255) {
          throw new IllegalArgumentException(problem + "has octet " + octet
              + " out of range 0..255");
        }
        address = address << 8 | Integer.parseInt(octet);
      }
      String length = m.group(5);
      if (length == null) {
        return new Ipv4Network(address, 32);
      }
      if ((length.length() > 1 && length.startsWith("0")) || length.length() > 2
          || Integer.parseInt(length) > 32) {
        throw new IllegalArgumentException(problem + "has prefix length " + length
            + " out of range 0..32");
      }
      int prefixLength = Integer.parseInt(length);
      long mask = prefixLength == 0 ? 0 : (0xffffffffL << (32 - prefixLength)) & 0xffffffffL;
      if ((address & ~mask) != 0) {
        throw new IllegalArgumentException(problem + "has host bits set; the network is "
            + dotted(address & mask) + "/" + prefixLength);
      }
      return new Ipv4Network(address, prefixLength);
    }

    @Override
    public int compareTo(Ipv4Network other) {
      int byAddress = Long.compare(address, other.address);
      return byAddress != 0 ? byAddress : Integer.compare(prefixLength, other.prefixLength);
    }

    @Override
    public String toString() {
      return dotted(address) + "/" + prefixLength;
    }

    private static String dotted(long address) {
      return (address >>> 24 & 0xff) + "." + (address >>> 16 & 0xff) + "."
          + (address >>> 8 & 0xff) + "." + (address & 0xff);
    }
  }
}
