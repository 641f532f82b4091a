package dev.palisade.sidecar.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code --name=value} and {@code --name value} flags into an object, with defaults from
 * the environment and from each {@link Flag}, and writes {@code --help}. For {@code palisade-proxy
 * proxy}, which every pod starts: picocli's classes are too old a format for the JVM's AOT cache,
 * and loading and reflecting over them took about a quarter of the proxy's start.
 *
 * <p>A flag on the command line wins over its environment variable (unset or blank gives
 * nothing), which wins over its default. Each flag may be given once.
 *
 * @param <T> the object the flags fill in
 */
public final class FlagParser<T> {

  /** {@code --help} or {@code -h} was asked for: print {@link #usage()}, exit 0. */
  public static final class HelpRequested extends Exception {
    HelpRequested() {
      super("help requested", null, false, false);
    }
  }

  private final String command;
  private final List<String> description;
  private final Map<String, Flag<T>> flags = new LinkedHashMap<>();

  /**
   * @param command as the user types it, {@code palisade-proxy proxy}
   * @param description paragraphs for the top of {@code --help}
   */
  public FlagParser(String command, List<String> description, List<Flag<T>> flags) {
    this.command = command;
    this.description = List.copyOf(description);
    for (Flag<T> flag : flags) {
      if (this.flags.put(flag.name(), flag) != null) {
        throw new IllegalArgumentException(flag.name() + " is declared twice");
      }
    }
  }

  public String command() {
    return command;
  }

  /**
   * Fills in {@code target} from {@code args}, then {@code environment}, then the defaults.
   *
   * @throws IllegalArgumentException saying which flag is wrong and why (a usage error)
   * @throws HelpRequested if {@code --help} is among the arguments
   */
  public T parse(T target, Map<String, String> environment, String... args)
      throws HelpRequested {
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        throw new HelpRequested();
      }
      int equals = arg.indexOf('=');
      String name = equals < 0 ? arg : arg.substring(0, equals);
      Flag<T> flag = flags.get(name);
      if (flag == null || !arg.startsWith("--")) {
        throw new IllegalArgumentException("Unknown option: '" + arg + "'");
      }
      String value;
      if (!flag.takesValue()) {
        if (equals >= 0) {
          throw new IllegalArgumentException("option '" + name + "' takes no value");
        }
        value = "true";
      } else if (equals >= 0) {
        value = arg.substring(equals + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("Missing required parameter for option '" + name
            + "' (" + flag.paramLabel() + ")");
      }
      if (given.put(name, value) != null) {
        throw new IllegalArgumentException("option '" + name + "' should be specified only once");
      }
    }
    for (Flag<T> flag : flags.values()) {
      String value = given.get(flag.name());
      if (value == null && flag.environmentVariable() != null) {
        String fromEnvironment = environment.get(flag.environmentVariable());
        value = fromEnvironment == null || fromEnvironment.isBlank() ? null : fromEnvironment;
      }
      if (value == null) {
        value = flag.defaultValue();
      }
      if (value != null) {
        try {
          flag.setter().set(target, value);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("Invalid value for option '" + flag.name() + "': "
              + e.getMessage(), e);
        }
      }
    }
    return target;
  }

  /** {@code --help}: what the command does, then every flag that is not hidden. */
  public String usage() {
    StringBuilder out = new StringBuilder("Usage: ").append(command).append(" [flags]\n");
    description.forEach(paragraph -> out.append(paragraph).append('\n'));
    out.append("\nFlags:\n");
    for (Flag<T> flag : flags.values()) {
      if (flag.hidden()) {
        continue;
      }
      out.append("  ").append(flag.name());
      if (flag.takesValue()) {
        out.append('=').append(flag.paramLabel());
      }
      out.append("\n      ").append(flag.description());
      if (flag.defaultValue() != null) {
        out.append(" Default: ").append(flag.defaultValue()).append('.');
      }
      out.append('\n');
    }
    out.append("  -h, --help\n      Show this help and exit.\n");
    return out.toString();
  }
}
