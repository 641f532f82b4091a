package dev.palisade.sidecar.intercept;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of {@code iptables-save -t nat} that belongs to Palisade: its chains, and the rules in
 * other chains (PREROUTING, OUTPUT, ...) that jump into them. Read before applying or removing
 * rules, so that both can be done in one atomic {@code iptables-restore} without duplicates.
 */
record NatTable(List<String> palisadeChains, List<Jump> jumpsIntoPalisade) {

  /** A rule of a non-Palisade chain whose target is a Palisade chain, as iptables-save prints it. */
  record Jump(String chain, String target, String rule) {
    /** The same rule as a delete: iptables-save's own spelling always matches it. */
    String delete() {
      return "-D" + rule.substring(2);
    }
  }

  private static final Pattern CHAIN = Pattern.compile("^:(\\S+) ");
  private static final Pattern APPEND = Pattern.compile("^-A (\\S+)(?:\\s.*)?\\s-[jg] (\\S+)(?:\\s.*)?$");

  NatTable {
    palisadeChains = List.copyOf(palisadeChains);
    jumpsIntoPalisade = List.copyOf(jumpsIntoPalisade);
  }

  static NatTable parse(String iptablesSave) {
    List<String> chains = new ArrayList<>();
    List<Jump> jumps = new ArrayList<>();
    boolean inNat = false;
    for (String line : iptablesSave.lines().map(String::strip).toList()) {
      if (line.startsWith("*")) {
        inNat = line.equals("*nat");
      } else if (inNat) {
        Matcher chain = CHAIN.matcher(line);
        Matcher append = APPEND.matcher(line);
        if (chain.find() && isPalisade(chain.group(1))) {
          chains.add(chain.group(1));
        } else if (append.matches() && !isPalisade(append.group(1)) && isPalisade(append.group(2))) {
          jumps.add(new Jump(append.group(1), append.group(2), line));
        }
      }
    }
    return new NatTable(chains, jumps);
  }

  boolean isEmpty() {
    return palisadeChains.isEmpty() && jumpsIntoPalisade.isEmpty();
  }

  long jumps(String chain, String target) {
    return jumpsIntoPalisade.stream().filter(j -> j.chain().equals(chain) && j.target().equals(target)).count();
  }

  static boolean isPalisade(String chain) {
    return chain.startsWith(IptablesRules.CHAIN_PREFIX);
  }
}
