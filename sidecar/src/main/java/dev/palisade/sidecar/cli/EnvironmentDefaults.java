package dev.palisade.sidecar.cli;

import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Defaults from the environment for the flags a {@link FromEnvironment} command maps to variables
 * (the injected container's, {@code dev.palisade.common.sidecar.SidecarContract.Env}). A flag on
 * the command line always wins; a variable that is unset or blank gives no default, and the
 * flag's own default applies. The environment is a parameter so tests need not set the process's.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {

  private final Map<String, String> environment;

  EnvironmentDefaults(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  @Override
  public String defaultValue(ArgSpec argument) {
    if (argument instanceof OptionSpec option
        && argument.command().userObject() instanceof FromEnvironment command) {
      String variable = command.environmentVariables().get(option.longestName());
      String value = variable == null ? null : environment.get(variable);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return argument.defaultValue();
  }
}
