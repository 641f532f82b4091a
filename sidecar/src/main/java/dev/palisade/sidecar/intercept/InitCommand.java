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
    description = {"Redirects the pod's TCP traffic to the Palisade proxy with iptables (nat"
        + " table): inbound to the inbound port, outbound to the outbound port; the proxy's own"
        + " traffic (its uid) is never redirected. Applying twice leaves the same rules. Needs"
        + " NET_ADMIN and NET_RAW."},
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

  private final Iptables iptables;

  public InitCommand() {
    this(Iptables.system());
  }

  InitCommand(Iptables iptables) {
    this.iptables = iptables;
  }

  /** What to do, from the flags. */
  enum Mode { APPLY, DRY_RUN, CLEANUP }

  static int run(List<String> args, PrintStream out, PrintStream err, Iptables iptables) {
    return Cli.commandLine(new InitCommand(iptables), Map.of(), out, err)
        .execute(args.toArray(String[]::new));
  }

  /**
   * The flags parsed, for tests: {@link #mode()} and {@link #config()}.
   *
   * @throws ParameterException for flags that are wrong
   */
  static InitCommand parse(List<String> args) {
    InitCommand command = new InitCommand(null);
    Cli.commandLine(command, Map.of(), System.out, System.err)
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
          yield OK;
        }
        case APPLY -> apply(config, out, err, iptables);
        case CLEANUP -> cleanup(out, iptables);
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

  private static int apply(InterceptConfig config, PrintWriter out, PrintWriter err, Iptables iptables)
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
