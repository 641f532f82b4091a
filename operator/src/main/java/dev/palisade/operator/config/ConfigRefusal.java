package dev.palisade.operator.config;

/** A config or destination request refused, with what to tell the caller. */
final class ConfigRefusal extends Exception {

  private final ConfigOutcome outcome;

  ConfigRefusal(ConfigOutcome outcome, String message) {
    super(message, null, false, false);
    this.outcome = outcome;
  }

  ConfigOutcome outcome() {
    return outcome;
  }
}
