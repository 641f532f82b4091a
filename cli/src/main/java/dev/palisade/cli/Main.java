package dev.palisade.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code palisade}: the command line of Palisade (docs/cli.md). Also runs as the kubectl plugin
 * {@code kubectl-palisade}. Exit status: 0 when everything asked for holds, 1 when a check fails
 * or the command cannot do its job, 2 on a usage error.
 */
@Command(name = "palisade", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Check, explain and inspect a Palisade installation; revoke and suspend.",
    subcommands = {
        CheckCommand.class,
        IdentityCommand.class,
        PolicyCommand.class,
        ProxyStatusCommand.class,
        InjectCommand.class,
        RevokeCommand.class,
        SuspendCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  /** Exit status of a check that failed or a command that could not do its job. */
  public static final int FAILED = 1;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with Palisade's error handling (a message, not a stack trace). */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
      cmd.getErr().println("error: " + message(e));
      return FAILED;
    });
    return commandLine;
  }

  /** The message and those of its causes: fabric8's own ("An error has occurred.") says little. */
  static String message(Throwable e) {
    StringBuilder text = new StringBuilder(describe(e));
    for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause();
        cause = cause.getCause()) {
      String more = describe(cause);
      if (!text.toString().contains(more)) {
        text.append(": ").append(more);
      }
    }
    return text.toString();
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.toString() : message;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand");
  }

  /** The version of the jar (the project's). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"palisade " + (version == null ? "(development build)" : version)};
    }
  }
}
