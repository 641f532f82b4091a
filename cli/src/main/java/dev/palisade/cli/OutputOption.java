package dev.palisade.cli;

import picocli.CommandLine.Option;

/** {@code -o text|json}, for every command whose output is data. */
final class OutputOption {

  @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "text|json",
      description = "Output format (default: ${DEFAULT-VALUE}).")
  OutputFormat format;

  boolean json() {
    return format == OutputFormat.json;
  }
}
