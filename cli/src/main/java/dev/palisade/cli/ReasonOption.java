package dev.palisade.cli;

import picocli.CommandLine.Option;

/** Why a revocation or suspension was made, recorded in its object. */
final class ReasonOption {

  @Option(names = "--reason", paramLabel = "TEXT",
      description = "Why, recorded in the object (an incident number, say).")
  String reason;
}
