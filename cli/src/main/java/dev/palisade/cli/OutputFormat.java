package dev.palisade.cli;

/** {@code -o text} (for people, the default) or {@code -o json} (for scripts). */
public enum OutputFormat {
  text, json
}
