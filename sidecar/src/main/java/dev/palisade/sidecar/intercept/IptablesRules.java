package dev.palisade.sidecar.intercept;

import dev.palisade.sidecar.proxy.InboundDelivery;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Generates the pod's interception rules as an {@code iptables-restore --noflush} script for the
 * nat table. Pure: no I/O; {@link InitCommand} applies what this returns.
 *
 * <p>Inbound TCP goes to the proxy's inbound port through {@value #INBOUND} and
 * {@value #IN_REDIRECT}; outbound TCP goes to its outbound port through {@value #OUTPUT} and
 * {@value #REDIRECT}. The chain layout is Istio's, so the rules read the same to anyone who has
 * debugged a mesh before. Why each rule is there: docs/interception.md.
 */
public final class IptablesRules {

  static final String CHAIN_PREFIX = "PALISADE_";
  public static final String INBOUND = "PALISADE_INBOUND";
  public static final String IN_REDIRECT = "PALISADE_IN_REDIRECT";
  public static final String OUTPUT = "PALISADE_OUTPUT";
  public static final String REDIRECT = "PALISADE_REDIRECT";
  static final List<String> CHAINS = List.of(INBOUND, IN_REDIRECT, OUTPUT, REDIRECT);

  private IptablesRules() {}

  /** The chains of the IPv6 fallback (filter table) that refuse what cannot be intercepted. */
  public static final String IPV6_REFUSE_IN = "PALISADE_IPV6_REFUSE_IN";
  public static final String IPV6_REFUSE_OUT = "PALISADE_IPV6_REFUSE_OUT";
  private static final List<String> IPV6_REFUSAL_JUMPS = List.of(
      "-A INPUT -p tcp -j " + IPV6_REFUSE_IN, "-A OUTPUT -p tcp -j " + IPV6_REFUSE_OUT);

  /** The IPv4 script for a network namespace without Palisade rules. */
  public static String script(InterceptConfig config) {
    return script(config, "", IpFamily.IPV4);
  }

  /** The IPv4 script; see {@link #script(InterceptConfig, String, IpFamily)}. */
  public static String script(InterceptConfig config, String currentNat) {
    return script(config, currentNat, IpFamily.IPV4);
  }

  /**
   * The script that leaves exactly the rules for {@code config} in place, given the namespace's
   * current {@code iptables-save -t nat}: it also deletes the jumps a previous run added, so
   * applying twice never duplicates a rule. One transaction: traffic never sees a half state.
   */
  public static String script(InterceptConfig config, String currentNat, IpFamily family) {
    NatTable current = NatTable.parse(currentNat);
    List<String> out = new ArrayList<>();
    out.add("# Palisade interception (palisade-proxy init" + (family == IpFamily.IPV6 ? ", IPv6" : "")
        + "): inbound TCP -> :" + config.inboundPort()
        + ", outbound TCP -> :" + config.outboundPort() + ", uid " + config.proxyUid() + " (the proxy) exempt");
    out.add("*nat");
    // Declaring a chain creates it, or flushes it if it exists (also under --noflush).
    CHAINS.forEach(chain -> out.add(":" + chain + " - [0:0]"));
    if (!current.jumpsIntoPalisade().isEmpty()) {
      out.add("# undo the previous run's jumps into the chains");
      current.jumpsIntoPalisade().forEach(jump -> out.add(jump.delete()));
    }
    List<String> stale = current.palisadeChains().stream().filter(c -> !CHAINS.contains(c)).toList();
    if (!stale.isEmpty()) {
      out.add("# remove chains of an earlier version that this one no longer uses");
      stale.forEach(chain -> out.add("-F " + chain));
      stale.forEach(chain -> out.add("-X " + chain));
    }

    out.add("# inbound: the proxy's own ports and excluded ports pass, all other TCP goes to the inbound port");
    Set<Integer> inboundPassed = new LinkedHashSet<>(List.of(config.inboundPort(), config.outboundPort(), config.adminPort()));
    inboundPassed.addAll(config.excludeInboundPorts());
    inboundPassed.forEach(port -> out.add("-A " + INBOUND + " -p tcp --dport " + port + " -j RETURN"));
    out.add("-A " + INBOUND + " -p tcp -j " + IN_REDIRECT);
    out.add("-A " + IN_REDIRECT + " -p tcp -j REDIRECT --to-ports " + config.inboundPort());

    String uid = "-m owner --uid-owner " + config.proxyUid();
    if (family.passthroughSource() != null) {
      out.add("# outbound: the proxy handing an inbound connection to the app at the pod's IP (from "
          + InboundDelivery.PASSTHROUGH_SOURCE + ") passes");
      out.add("-A " + OUTPUT + " -s " + family.passthroughSource() + " -o lo -j RETURN");
      out.add("# outbound: the proxy calling its own pod's IP is inbound traffic; nothing else of the proxy's is redirected");
      out.add("-A " + OUTPUT + " ! -d " + family.loopback() + " -o lo " + uid + " -j " + INBOUND);
    } else {
      out.add("# outbound: nothing of the proxy's is redirected (over IPv6 it also hands inbound"
          + " connections to the app at the pod's IP)");
    }
    out.add("-A " + OUTPUT + " " + uid + " -j RETURN");
    out.add("# outbound: the app talking to itself over loopback, excluded ports and CIDRs pass");
    out.add("-A " + OUTPUT + " -o lo -j RETURN");
    config.excludeOutboundPorts().forEach(port -> out.add("-A " + OUTPUT + " -p tcp --dport " + port + " -j RETURN"));
    if (family == IpFamily.IPV4) { // the excluded networks are IPv4 ones
      config.excludeOutboundCidrs().forEach(cidr -> out.add("-A " + OUTPUT + " -d " + cidr + " -j RETURN"));
    }
    out.add("-A " + OUTPUT + " -j " + REDIRECT);
    out.add("-A " + REDIRECT + " -p tcp -j REDIRECT --to-ports " + config.outboundPort());

    out.add("# enter the chains last, once they are complete");
    out.add("-A PREROUTING -p tcp -j " + INBOUND);
    out.add("-A OUTPUT -p tcp -j " + OUTPUT);
    out.add("COMMIT");
    return String.join("\n", out) + "\n";
  }

  /**
   * The script that removes every Palisade chain and every jump into one, given the current
   * {@code iptables-save -t nat}; empty if there is nothing to remove.
   */
  public static String removalScript(String currentNat) {
    NatTable current = NatTable.parse(currentNat);
    if (current.isEmpty()) {
      return "";
    }
    List<String> out = new ArrayList<>();
    out.add("# Palisade interception removal (palisade-proxy init --cleanup)");
    out.add("*nat");
    current.jumpsIntoPalisade().forEach(jump -> out.add(jump.delete()));
    // Flush all before deleting any: Palisade chains jump into each other.
    current.palisadeChains().forEach(chain -> out.add("-F " + chain));
    current.palisadeChains().forEach(chain -> out.add("-X " + chain));
    out.add("COMMIT");
    return String.join("\n", out) + "\n";
  }

  /**
   * Where IPv6 TCP cannot be intercepted (no ip6tables nat), the filter-table script that refuses
   * it in and out instead, except on loopback: never a silent bypass of the proxy. Given the
   * current {@code ip6tables-save -t filter}, so applying twice adds no second jump.
   */
  public static String ipv6RefusalScript(String currentFilter) {
    List<String> existing = currentFilter.lines().map(String::strip).toList();
    List<String> out = new ArrayList<>();
    out.add("# Palisade: IPv6 cannot be intercepted here, so IPv6 TCP is refused (palisade-proxy init)");
    out.add("*filter");
    out.add(":" + IPV6_REFUSE_IN + " - [0:0]");
    out.add(":" + IPV6_REFUSE_OUT + " - [0:0]");
    out.add("-A " + IPV6_REFUSE_IN + " -i lo -j RETURN");
    out.add("-A " + IPV6_REFUSE_IN + " -p tcp -j REJECT --reject-with tcp-reset");
    out.add("-A " + IPV6_REFUSE_OUT + " -o lo -j RETURN");
    out.add("-A " + IPV6_REFUSE_OUT + " -p tcp -j REJECT --reject-with tcp-reset");
    for (String jump : IPV6_REFUSAL_JUMPS) {
      if (!existing.contains(jump)) {
        out.add(jump);
      }
    }
    out.add("COMMIT");
    return String.join("\n", out) + "\n";
  }

  /** Removes what {@link #ipv6RefusalScript} added; empty if it is not there. */
  public static String ipv6RefusalRemovalScript(String currentFilter) {
    List<String> existing = currentFilter.lines().map(String::strip).toList();
    if (existing.stream().noneMatch(line -> line.contains(IPV6_REFUSE_IN)
        || line.contains(IPV6_REFUSE_OUT))) {
      return "";
    }
    List<String> out = new ArrayList<>(List.of("*filter"));
    IPV6_REFUSAL_JUMPS.stream().filter(existing::contains)
        .forEach(jump -> out.add("-D" + jump.substring(2)));
    for (String chain : List.of(IPV6_REFUSE_IN, IPV6_REFUSE_OUT)) {
      out.add("-F " + chain);
      out.add("-X " + chain);
    }
    out.add("COMMIT");
    return String.join("\n", out) + "\n";
  }
}
