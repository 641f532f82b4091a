package dev.palisade.sidecar.cli;

import dev.palisade.common.net.Port;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import picocli.CommandLine;

/**
 * How the picocli {@code palisade-proxy} commands ({@code init}, {@code selfcheck}) are parsed:
 * the one converter for ports and the one for durations, and the exit codes (0 done, 1 failed,
 * 2 bad flags: the message and a pointer to {@code --help}, on stderr). {@code proxy} has its
 * own parser ({@link FlagParser}) with the same exit codes.
 */
public final class Cli {

  private Cli() {}

  /** A command line for {@code command} (a picocli {@code @Command}). */
  public static CommandLine commandLine(Object command, PrintStream out, PrintStream err) {
    return configure(new CommandLine(command), out, err);
  }

  /** Configures {@code line} and the subcommands it has so far. */
  public static CommandLine configure(CommandLine line, PrintStream out, PrintStream err) {
    line.registerConverter(Port.class, new PortConverter())
        .registerConverter(Duration.class, new DurationConverter())
        .setOut(writer(out))
        .setErr(writer(err))
        .setParameterExceptionHandler(Cli::usageError)
        .setExecutionExceptionHandler((e, failed, parsed) -> {
          failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + e);
          return CommandLine.ExitCode.SOFTWARE;
        });
    return line;
  }

  /** Runs {@code command} with the process's streams; returns the exit code. */
  public static int run(Object command, String... args) {
    return commandLine(command, System.out, System.err).execute(args);
  }

  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine failed = e.getCommandLine();
    PrintWriter err = failed.getErr();
    String name = failed.getCommandSpec().qualifiedName();
    err.println(name + ": " + e.getMessage());
    if (failed.getSubcommands().isEmpty()) {
      err.println("run '" + name + " --help' for the flags");
    } else {
      failed.usage(err);
    }
    return CommandLine.ExitCode.USAGE;
  }

  private static PrintWriter writer(PrintStream stream) {
    return new PrintWriter(new java.io.OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
  }
}
