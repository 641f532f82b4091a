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

  /** The script for a network namespace without Palisade rules. */
  public static String script(InterceptConfig config) {
    return script(config, "");
  }

  /**
   * The script that leaves exactly the rules for {@code config} in place, given the namespace's
   * current {@code iptables-save -t nat}: it also deletes the jumps a previous run added, so
   * applying twice never duplicates a rule. One transaction: traffic never sees a half state.
   */
  public static String script(InterceptConfig config, String currentNat) {
    NatTable current = NatTable.parse(currentNat);
    List<String> out = new ArrayList<>();
    out.add("# Palisade interception (palisade-proxy init): inbound TCP -> :" + config.inboundPort()
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

    out.add("# outbound: the proxy handing an inbound connection to the app at the pod's IP (from "
        + InboundDelivery.PASSTHROUGH_SOURCE + ") passes");
    out.add("-A " + OUTPUT + " -s " + InboundDelivery.PASSTHROUGH_SOURCE + "/32 -o lo -j RETURN");
    out.add("# outbound: the proxy calling its own pod's IP is inbound traffic; nothing else of the proxy's is redirected");
    String uid = "-m owner --uid-owner " + config.proxyUid();
    out.add("-A " + OUTPUT + " ! -d 127.0.0.1/32 -o lo " + uid + " -j " + INBOUND);
    out.add("-A " + OUTPUT + " " + uid + " -j RETURN");
    out.add("# outbound: the app talking to itself over loopback, excluded ports and CIDRs pass");
    out.add("-A " + OUTPUT + " -o lo -j RETURN");
    config.excludeOutboundPorts().forEach(port -> out.add("-A " + OUTPUT + " -p tcp --dport " + port + " -j RETURN"));
    config.excludeOutboundCidrs().forEach(cidr -> out.add("-A " + OUTPUT + " -d " + cidr + " -j RETURN"));
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
}
