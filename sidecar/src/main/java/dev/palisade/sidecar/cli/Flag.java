package dev.palisade.sidecar.cli;

/**
 * One {@code --name=value} flag of a command parsed by {@link FlagParser}: how it reads, what it
 * defaults to, and where its value goes.
 *
 * @param name the flag, {@code --trust-domain}
 * @param paramLabel how help shows its value, {@code <td>}; null for a switch (no value)
 * @param description one or two sentences for {@code --help}
 * @param defaultValue applied when neither the command line nor the environment gives one; null:
 *     the target's field keeps its initial value
 * @param environmentVariable the variable it defaults to (the injected container's); null: none
 * @param hidden left out of {@code --help} (for tests and embedding)
 * @param setter converts the text and stores it in the target
 * @param <T> the object the flags fill in
 */
public record Flag<T>(String name, String paramLabel, String description, String defaultValue,
    String environmentVariable, boolean hidden, Setter<T> setter) {

  /** Converts a flag's text and stores it; an {@link IllegalArgumentException} says why not. */
  @FunctionalInterface
  public interface Setter<T> {
    void set(T target, String value);
  }

  /** A flag with a value. */
  public static <T> Flag<T> option(String name, String paramLabel, String description,
      Setter<T> setter) {
    return new Flag<>(name, paramLabel, description, null, null, false, setter);
  }

  /** A flag without a value: given means {@code "true"}. */
  public static <T> Flag<T> toggle(String name, String description, Setter<T> setter) {
    return new Flag<>(name, null, description, null, null, false, setter);
  }

  public Flag<T> defaultingTo(String value) {
    return new Flag<>(name, paramLabel, description, value, environmentVariable, hidden, setter);
  }

  public Flag<T> fromEnvironment(String variable) {
    return new Flag<>(name, paramLabel, description, defaultValue, variable, hidden, setter);
  }

  public Flag<T> hide() {
    return new Flag<>(name, paramLabel, description, defaultValue, environmentVariable, true,
        setter);
  }

  boolean takesValue() {
    return paramLabel != null;
  }
}
