package dev.palisade.sidecar;

import dev.palisade.sidecar.cli.Cli;
import dev.palisade.sidecar.intercept.InitCommand;
import dev.palisade.sidecar.intercept.RedirectedDestinations;
import dev.palisade.sidecar.proxy.ProxyCommand;
import dev.palisade.sidecar.proxy.StartupWarmUp;
import dev.palisade.sidecar.selfcheck.SelfCheckCommand;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code palisade-proxy <command>} (bin/palisade-proxy, the image's entrypoint): {@code init}
 * (the iptables init container), {@code proxy} (the native sidecar), or {@code selfcheck}.
 */
@Command(name = "palisade-proxy",
    description = "The Palisade sidecar. Run '<command> --help' for a command's flags.",
    commandListHeading = "%nCommands:%n")
public final class Main implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("proxy")) {
      // Every pod starts this one: without picocli, and with the flag-independent work begun
      // on the other CPU meanwhile.
      StartupWarmUp.begin();
      System.exit(ProxyCommand.run(Arrays.copyOfRange(args, 1, args.length),
          new RedirectedDestinations()));
    }
    System.exit(commandLine(System.getenv(), System.out, System.err).execute(args));
  }

  /** Every command, configured as {@link Cli} configures them. */
  static CommandLine commandLine(Map<String, String> environment, PrintStream out,
      PrintStream err) {
    CommandLine line = new CommandLine(new Main())
        .addSubcommand(new InitCommand())
        .addSubcommand(new ProxyEntry(environment, out, err))
        .addSubcommand(new SelfCheckCommand());
    return Cli.configure(line, out, err);
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "give a command: init, proxy or selfcheck");
  }

  /** {@code proxy} as a picocli command, for the command list; its flags are its own. */
  @Command(name = "proxy", description = "Runs the mTLS proxy (the injected sidecar).")
  static final class ProxyEntry implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;

    ProxyEntry(Map<String, String> environment, PrintStream out, PrintStream err) {
      this.environment = environment;
      this.out = out;
      this.err = err;
    }

    @Override
    public Integer call() {
      // Destinations come from SO_ORIGINAL_DST (iptables REDIRECT) unless --inbound-target-port
      // / --outbound-target fix them; the JVM needs --add-exports java.base/sun.nio.ch=ALL-UNNAMED.
      return ProxyCommand.run(args.toArray(String[]::new), environment, out, err,
          new RedirectedDestinations());
    }
  }
}
