package dev.palisade.cli;

import picocli.CommandLine.Option;

/** {@code --palisade-namespace}: where Palisade is installed, for commands about workloads. */
final class PalisadeNamespaceOption {

  @Option(names = "--palisade-namespace", defaultValue = Installation.DEFAULT_NAMESPACE,
      paramLabel = "NAMESPACE",
      description = "The namespace Palisade is installed in (default: ${DEFAULT-VALUE}).")
  String name;
}
