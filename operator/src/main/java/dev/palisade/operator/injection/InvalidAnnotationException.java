package dev.palisade.operator.injection;

/** A pod annotation Palisade cannot use; the message names it, quotes it and says what fits. */
public final class InvalidAnnotationException extends Exception {

  public InvalidAnnotationException(String annotation, String value, String problem) {
    super("annotation " + annotation + ": \"" + value + "\": " + problem);
  }
}
