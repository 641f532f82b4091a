package dev.palisade.sidecar.intercept;

import dev.palisade.sidecar.intercept.Iptables.IptablesException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code palisade-sidecar init}: writes the pod's interception rules (run by the palisade-init
 * container, which has NET_ADMIN and NET_RAW), or removes them with {@code --cleanup}.
 *
 * <p>Applying is idempotent: the current nat table is read first, and the jumps of a previous run
 * are deleted in the same {@code iptables-restore} transaction that re-creates the chains.
 */
public final class InitCommand {

  /** Exit codes: success, iptables failed, the flags were wrong. */
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  static final String HELP = """
      usage: palisade-sidecar init [flags]

      Redirects the pod's TCP traffic to the Palisade proxy with iptables (nat table): inbound to
      the inbound port, outbound to the outbound port; the proxy's own traffic (its uid) is never
      redirected. Applying twice leaves the same rules. Needs NET_ADMIN and NET_RAW.

        --exclude-inbound-ports P,...   inbound ports that bypass the proxy (palisade.dev/exclude-inbound-ports)
        --exclude-outbound-ports P,...  outbound ports that bypass the proxy (palisade.dev/exclude-outbound-ports)
        --exclude-outbound-cidrs C,...  IPv4 networks that bypass the proxy, like 10.0.0.0/8 (palisade.dev/exclude-outbound-cidrs)
        --proxy-uid UID                 the uid the proxy runs as (default 1337)
        --inbound-port PORT             the proxy's inbound listener (default 15006)
        --outbound-port PORT            the proxy's outbound listener (default 15001)
        --admin-port PORT               the proxy's admin port, never redirected (default 15020)
        --dry-run                       print the script for a fresh pod and change nothing
        --cleanup                       remove every Palisade chain and rule instead
        --help                          this text
      """;

  /** What to do, parsed from the flags. */
  enum Mode { APPLY, DRY_RUN, CLEANUP, HELP }

  record Options(Mode mode, InterceptConfig config) {}

  /** Flags that are wrong; the message says which and how. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  private InitCommand() {}

  /** Runs {@code init} with {@code args} (the words after "init"); returns the exit code. */
  public static int run(String[] args) {
    return run(List.of(args), System.out, System.err, Iptables.system());
  }

  static int run(List<String> args, PrintStream out, PrintStream err, Iptables iptables) {
    Options options;
    try {
      options = parse(args);
    } catch (UsageException e) {
      err.println("palisade init: " + e.getMessage());
      err.println("run 'palisade-sidecar init --help' for the flags");
      return USAGE;
    }
    try {
      return switch (options.mode()) {
        case HELP -> {
          out.print(HELP);
          yield OK;
        }
        case DRY_RUN -> {
          out.print(IptablesRules.script(options.config()));
          yield OK;
        }
        case APPLY -> apply(options.config(), out, err, iptables);
        case CLEANUP -> cleanup(out, iptables);
      };
    } catch (IptablesException e) {
      err.println("palisade init: " + e.getMessage());
      return FAILED;
    }
  }

  private static int apply(InterceptConfig config, PrintStream out, PrintStream err, Iptables iptables)
      throws IptablesException {
    String script = IptablesRules.script(config, iptables.saveNat());
    iptables.restore(script);
    // Check the result rather than trust it: exactly one way into each entry chain.
    NatTable after = NatTable.parse(iptables.saveNat());
    List<String> problems = new ArrayList<>();
    IptablesRules.CHAINS.stream().filter(c -> !after.palisadeChains().contains(c))
        .forEach(c -> problems.add("chain " + c + " is missing"));
    checkOneJump(after, "PREROUTING", IptablesRules.INBOUND, problems);
    checkOneJump(after, "OUTPUT", IptablesRules.OUTPUT, problems);
    if (!problems.isEmpty()) {
      err.println("palisade init: iptables-restore succeeded but the nat table is not as written: "
          + String.join("; ", problems));
      return FAILED;
    }
    out.println("palisade init: applied with iptables-restore --noflush:");
    out.print(script);
    return OK;
  }

  private static void checkOneJump(NatTable table, String chain, String target, List<String> problems) {
    long jumps = table.jumps(chain, target);
    if (jumps != 1) {
      problems.add(chain + " has " + jumps + " jumps to " + target + ", expected 1");
    }
  }

  private static int cleanup(PrintStream out, Iptables iptables) throws IptablesException {
    String script = IptablesRules.removalScript(iptables.saveNat());
    if (script.isEmpty()) {
      out.println("palisade init --cleanup: no Palisade rules in this network namespace; nothing to do");
      return OK;
    }
    iptables.restore(script);
    out.println("palisade init --cleanup: removed with iptables-restore --noflush:");
    out.print(script);
    return OK;
  }

  /** Parses the flags; {@code --name value} and {@code --name=value} both work. */
  static Options parse(List<String> args) throws UsageException {
    int proxyUid = InterceptConfig.DEFAULT_PROXY_UID;
    int inboundPort = InterceptConfig.DEFAULT_INBOUND_PORT;
    int outboundPort = InterceptConfig.DEFAULT_OUTBOUND_PORT;
    int adminPort = InterceptConfig.DEFAULT_ADMIN_PORT;
    List<Integer> excludeInbound = List.of();
    List<Integer> excludeOutbound = List.of();
    List<Ipv4Cidr> excludeCidrs = List.of();
    boolean dryRun = false;
    boolean cleanup = false;
    Set<String> seen = new HashSet<>();

    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--") && !arg.equals("-h")) {
        throw new UsageException("unexpected argument \"" + arg + "\"; flags start with --");
      }
      int eq = arg.indexOf('=');
      String flag = eq < 0 ? arg : arg.substring(0, eq);
      if (!seen.add(flag)) {
        throw new UsageException(flag + " is given twice");
      }
      switch (flag) {
        case "--help", "-h" -> {
          return new Options(Mode.HELP, InterceptConfig.defaults());
        }
        case "--dry-run", "--cleanup" -> {
          if (eq >= 0) {
            throw new UsageException(flag + " takes no value");
          }
          dryRun |= flag.equals("--dry-run");
          cleanup |= flag.equals("--cleanup");
          continue;
        }
        default -> { }
      }
      String value;
      if (eq >= 0) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
        value = args.get(++i);
      } else {
        throw new UsageException(flag + " needs a value");
      }
      switch (flag) {
        case "--exclude-inbound-ports" -> excludeInbound = list(value, v -> port(flag, v));
        case "--exclude-outbound-ports" -> excludeOutbound = list(value, v -> port(flag, v));
        case "--exclude-outbound-cidrs" -> excludeCidrs = list(value, v -> cidr(flag, v));
        case "--proxy-uid" -> proxyUid = number(flag, value, 0, Integer.MAX_VALUE, "a uid"); // 0: InterceptConfig says why not
        case "--inbound-port" -> inboundPort = port(flag, value);
        case "--outbound-port" -> outboundPort = port(flag, value);
        case "--admin-port" -> adminPort = port(flag, value);
        default -> throw new UsageException("unknown flag " + flag);
      }
    }
    if (dryRun && cleanup) {
      throw new UsageException("--dry-run and --cleanup cannot be combined");
    }
    InterceptConfig config;
    try {
      config = new InterceptConfig(proxyUid, inboundPort, outboundPort, adminPort, excludeInbound,
          excludeOutbound, excludeCidrs);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    return new Options(cleanup ? Mode.CLEANUP : dryRun ? Mode.DRY_RUN : Mode.APPLY, config);
  }

  /** Comma-separated items; blanks are ignored, so an empty annotation means an empty list. */
  private static <T> List<T> list(String value, Parser<T> item) throws UsageException {
    List<T> items = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      if (!part.isBlank()) {
        items.add(item.parse(part.strip()));
      }
    }
    return items;
  }

  private static int port(String flag, String value) throws UsageException {
    return number(flag, value, 1, 65535, "a port");
  }

  private static int number(String flag, String value, int min, int max, String what) throws UsageException {
    String problem = flag + ": \"" + value + "\" is not " + what + " (" + min + ".." + max + ")";
    if (!value.matches("[0-9]{1,10}")) {
      throw new UsageException(problem);
    }
    long number = Long.parseLong(value);
    if (number < min || number > max) {
      throw new UsageException(problem);
    }
    return (int) number;
  }

  private static Ipv4Cidr cidr(String flag, String value) throws UsageException {
    try {
      return Ipv4Cidr.parse(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException(flag + ": " + e.getMessage());
    }
  }

  @FunctionalInterface
  private interface Parser<T> {
    T parse(String value) throws UsageException;
  }
}
