package dev.palisade.sidecar.intercept;

import dev.palisade.common.net.Port;
import dev.palisade.common.sidecar.SidecarContract;
import dev.palisade.sidecar.cli.Cli;
import dev.palisade.sidecar.intercept.Iptables.IptablesException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code palisade-proxy init}: writes the pod's interception rules (run by the palisade-init
 * container, which has NET_ADMIN and NET_RAW), or removes them with {@code --cleanup}.
 *
 * <p>Applying is idempotent: the current nat table is read first, and the jumps of a previous run
 * are deleted in the same {@code iptables-restore} transaction that re-creates the chains.
 */
@Command(name = "init", sortOptions = false,
    usageHelpAutoWidth = true,
    description = {"Redirects the pod's TCP traffic to the Palisade proxy with iptables and"
        + " ip6tables (nat table): inbound to the inbound port, outbound to the outbound port;"
        + " the proxy's own traffic (its uid) is never redirected. Where IPv6 cannot be"
        + " intercepted its TCP is refused instead, and where it can be neither the command"
        + " fails. Applying twice leaves the same rules. Needs NET_ADMIN and NET_RAW."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:iptables failed", "2:bad flags"})
public final class InitCommand implements Callable<Integer> {

  /** Exit codes: success, iptables failed, the flags were wrong. */
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--exclude-inbound-ports", paramLabel = "P,...", defaultValue = "",
      description = "Inbound ports that bypass the proxy (palisade.dev/exclude-inbound-ports).")
  String excludeInboundPorts;

  @Option(names = "--exclude-outbound-ports", paramLabel = "P,...", defaultValue = "",
      description = "Outbound ports that bypass the proxy (palisade.dev/exclude-outbound-ports).")
  String excludeOutboundPorts;

  @Option(names = "--exclude-outbound-cidrs", paramLabel = "C,...", defaultValue = "",
      description = "IPv4 networks that bypass the proxy, like 10.0.0.0/8"
          + " (palisade.dev/exclude-outbound-cidrs).")
  String excludeOutboundCidrs;

  @Option(names = "--proxy-uid", paramLabel = "UID",
      description = "The uid the proxy runs as (default " + SidecarContract.PROXY_UID + ").")
  int proxyUid = SidecarContract.PROXY_UID;

  @Option(names = "--inbound-port", paramLabel = "PORT",
      description = "The proxy's inbound listener (default " + SidecarContract.INBOUND_PORT + ").")
  Port inboundPort = Port.of(SidecarContract.INBOUND_PORT);

  @Option(names = "--outbound-port", paramLabel = "PORT",
      description = "The proxy's outbound listener (default " + SidecarContract.OUTBOUND_PORT
          + ").")
  Port outboundPort = Port.of(SidecarContract.OUTBOUND_PORT);

  @Option(names = "--admin-port", paramLabel = "PORT",
      description = "The proxy's admin port, never redirected (default "
          + SidecarContract.ADMIN_PORT + ").")
  Port adminPort = Port.of(SidecarContract.ADMIN_PORT);

  @Option(names = "--dry-run", description = "Print the script for a fresh pod and change nothing.")
  boolean dryRun;

  @Option(names = "--cleanup", description = "Remove every Palisade chain and rule instead.")
  boolean cleanup;

  private final Function<IpFamily, Iptables> iptables;
  private final BooleanSupplier ipv6Enabled;

  public InitCommand() {
    this(Iptables::system, IpFamily::ipv6Enabled);
  }

  InitCommand(Function<IpFamily, Iptables> iptables, BooleanSupplier ipv6Enabled) {
    this.iptables = iptables;
    this.ipv6Enabled = ipv6Enabled;
  }

  /** What to do, from the flags. */
  enum Mode { APPLY, DRY_RUN, CLEANUP }

  static int run(List<String> args, PrintStream out, PrintStream err,
      Function<IpFamily, Iptables> iptables, boolean ipv6Enabled) {
    return Cli.commandLine(new InitCommand(iptables, () -> ipv6Enabled), out, err)
        .execute(args.toArray(String[]::new));
  }

  /**
   * The flags parsed, for tests: {@link #mode()} and {@link #config()}.
   *
   * @throws ParameterException for flags that are wrong
   */
  static InitCommand parse(List<String> args) {
    InitCommand command = new InitCommand(null, () -> false);
    Cli.commandLine(command, System.out, System.err)
        .parseArgs(args.toArray(String[]::new));
    command.mode();
    command.config();
    return command;
  }

  @Override
  public Integer call() {
    InterceptConfig config = config();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return switch (mode()) {
        case DRY_RUN -> {
          out.print(IptablesRules.script(config));
          out.print(IptablesRules.script(config, "", IpFamily.IPV6));
          yield OK;
        }
        case APPLY -> {
          int ipv4 = apply(config, IpFamily.IPV4, out, err, iptables.apply(IpFamily.IPV4));
          yield ipv4 != OK ? ipv4 : applyIpv6(config, out, err);
        }
        case CLEANUP -> {
          cleanup(out, iptables.apply(IpFamily.IPV4));
          yield ipv6Enabled.getAsBoolean() ? cleanupIpv6(out, iptables.apply(IpFamily.IPV6)) : OK;
        }
      };
    } catch (IptablesException e) {
      err.println("palisade init: " + e.getMessage());
      return FAILED;
    } finally {
      out.flush();
    }
  }

  Mode mode() {
    if (dryRun && cleanup) {
      throw usage("--dry-run and --cleanup cannot be combined");
    }
    return cleanup ? Mode.CLEANUP : dryRun ? Mode.DRY_RUN : Mode.APPLY;
  }

  /** The rules' settings; a bad combination is a usage error. */
  InterceptConfig config() {
    try {
      return new InterceptConfig(proxyUid, inboundPort.value(), outboundPort.value(),
          adminPort.value(), list("--exclude-inbound-ports", excludeInboundPorts, p -> Port.parse(p).value()),
          list("--exclude-outbound-ports", excludeOutboundPorts, p -> Port.parse(p).value()),
          list("--exclude-outbound-cidrs", excludeOutboundCidrs, Ipv4Cidr::parse));
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /**
   * IPv6 TCP is intercepted like IPv4; where ip6tables has no nat table it is refused instead;
   * where neither can be done the init fails, so the pod does not start with a bypass.
   */
  private int applyIpv6(InterceptConfig config, PrintWriter out, PrintWriter err) {
    if (!ipv6Enabled.getAsBoolean()) {
      out.println("palisade init: IPv6 is off in this network namespace; no ip6tables rules");
      return OK;
    }
    Iptables ip6tables = iptables.apply(IpFamily.IPV6);
    try {
      return apply(config, IpFamily.IPV6, out, err, ip6tables);
    } catch (IptablesException notIntercepted) {
      err.println("palisade init: IPv6 cannot be intercepted (" + notIntercepted.getMessage()
          + "); refusing IPv6 TCP instead");
      try {
        String refusal = IptablesRules.ipv6RefusalScript(ip6tables.save("filter"));
        ip6tables.restore(refusal);
        out.println("palisade init: applied with ip6tables-restore --noflush:");
        out.print(refusal);
        return OK;
      } catch (IptablesException notRefused) {
        err.println("palisade init: IPv6 is on in this pod but its TCP can be neither intercepted"
            + " nor refused (" + notRefused.getMessage() + "); it would bypass the proxy, so the"
            + " pod must not start. Give the init image ip6tables, or turn IPv6 off for the pod.");
        return FAILED;
      }
    }
  }

  private static int apply(InterceptConfig config, IpFamily family, PrintWriter out,
      PrintWriter err, Iptables iptables) throws IptablesException {
    String script = IptablesRules.script(config, iptables.saveNat(), family);
    iptables.restore(script);
    // Check the result rather than trust it: exactly one way into each entry chain.
    NatTable after = NatTable.parse(iptables.saveNat());
    List<String> problems = new ArrayList<>();
    IptablesRules.CHAINS.stream().filter(c -> !after.palisadeChains().contains(c))
        .forEach(c -> problems.add("chain " + c + " is missing"));
    checkOneJump(after, "PREROUTING", IptablesRules.INBOUND, problems);
    checkOneJump(after, "OUTPUT", IptablesRules.OUTPUT, problems);
    if (!problems.isEmpty()) {
      err.println("palisade init: " + family.tool() + "-restore succeeded but the nat table is"
          + " not as written: " + String.join("; ", problems));
      return FAILED;
    }
    out.println("palisade init: applied with " + family.tool() + "-restore --noflush:");
    out.print(script);
    return OK;
  }

  private static void checkOneJump(NatTable table, String chain, String target, List<String> problems) {
    long jumps = table.jumps(chain, target);
    if (jumps != 1) {
      problems.add(chain + " has " + jumps + " jumps to " + target + ", expected 1");
    }
  }

  private static int cleanupIpv6(PrintWriter out, Iptables ip6tables)
      throws IptablesException {
    try {
      cleanup(out, ip6tables);
    } catch (IptablesException noNatTable) {
      // nothing was intercepted over IPv6 here; the refusal below may be
    }
    String refusal = IptablesRules.ipv6RefusalRemovalScript(ip6tables.save("filter"));
    if (!refusal.isEmpty()) {
      ip6tables.restore(refusal);
      out.print(refusal);
    }
    return OK;
  }

  private static int cleanup(PrintWriter out, Iptables iptables) throws IptablesException {
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

  /**
   * Comma-separated items as the annotations are written; blanks are ignored, so an empty
   * annotation means an empty list.
   */
  private static <T> List<T> list(String flag, String value, Function<String, T> item) {
    List<T> items = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      if (!part.isBlank()) {
        try {
          items.add(item.apply(part.strip()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
        }
      }
    }
    return items;
  }
}
