package dev.palisade.sidecar.intercept;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 network in CIDR notation, in canonical form (host bits zero). A bare address means /32.
 *
 * <p>Strict on purpose: it ends up in an iptables rule that decides what bypasses the proxy, so a
 * typo must fail the init container rather than silently exclude the wrong range.
 */
public record Ipv4Cidr(int address, int prefixLength) {

  private static final Pattern SHAPE = Pattern.compile("([0-9]+)\\.([0-9]+)\\.([0-9]+)\\.([0-9]+)(?:/([0-9]+))?");

  public Ipv4Cidr {
    if (prefixLength < 0 || prefixLength > 32) {
      throw new IllegalArgumentException("prefix length " + prefixLength + " is out of range 0..32");
    }
    if ((address & ~mask(prefixLength)) != 0) {
      throw new IllegalArgumentException("host bits are set in " + dotted(address) + "/" + prefixLength);
    }
  }

  /**
   * Parses {@code a.b.c.d/len} or {@code a.b.c.d}.
   *
   * @throws IllegalArgumentException naming the input and what is wrong with it
   */
  public static Ipv4Cidr parse(String text) {
    String problem = "invalid CIDR \"" + text + "\": ";
    if (text.contains(":")) {
      throw new IllegalArgumentException(problem + "IPv6 is not supported; Palisade intercepts IPv4 only");
    }
    Matcher m = SHAPE.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(problem + "expected an IPv4 network like 10.96.0.0/12 or an address like 10.96.0.10");
    }
    int address = 0;
    for (int i = 1; i <= 4; i++) {
      String octet = m.group(i);
      if (octet.length() > 1 && octet.startsWith("0")) {
        // Some tools read a leading zero as octal; refuse rather than guess.
        throw new IllegalArgumentException(problem + "octet \"" + octet + "\" has a leading zero");
      }
      if (octet.length() > 3 || Integer.parseInt(octet) > 255) {
        throw new IllegalArgumentException(problem + "octet " + octet + " is out of range 0..255");
      }
      address = address << 8 | Integer.parseInt(octet);
    }
    String length = m.group(5);
    if (length == null) {
      return new Ipv4Cidr(address, 32);
    }
    if ((length.length() > 1 && length.startsWith("0")) || length.length() > 2 || Integer.parseInt(length) > 32) {
      throw new IllegalArgumentException(problem + "prefix length " + length + " is out of range 0..32");
    }
    int prefixLength = Integer.parseInt(length);
    if ((address & ~mask(prefixLength)) != 0) {
      throw new IllegalArgumentException(problem + "host bits are set; the network is "
          + dotted(address & mask(prefixLength)) + "/" + prefixLength);
    }
    return new Ipv4Cidr(address, prefixLength);
  }

  /** Canonical {@code a.b.c.d/len}, as iptables prints it. */
  @Override
  public String toString() {
    return dotted(address) + "/" + prefixLength;
  }

  private static int mask(int prefixLength) {
    return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
  }

  private static String dotted(int address) {
    return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
  }
}
