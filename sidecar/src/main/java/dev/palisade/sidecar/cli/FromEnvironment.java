package dev.palisade.sidecar.cli;

import java.util.Map;

/** A command some of whose flags default to environment variables (the injected container's). */
public interface FromEnvironment {

  /** Flag (its longest name, {@code --trust-domain}) to the variable it defaults to. */
  Map<String, String> environmentVariables();
}
