package dev.palisade.common.spiffe;

/** A string that is not a SPIFFE ID Palisade accepts; the message says what is wrong. */
public class InvalidSpiffeIdException extends IllegalArgumentException {
  public InvalidSpiffeIdException(String message) {
    super(message);
  }
}
