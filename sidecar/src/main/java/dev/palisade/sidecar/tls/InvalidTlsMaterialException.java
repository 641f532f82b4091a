package dev.palisade.sidecar.tls;

/** Certificate material the sidecar refuses to serve; the message says what is wrong. */
public final class InvalidTlsMaterialException extends Exception {
  public InvalidTlsMaterialException(String message) {
    super(message);
  }

  public InvalidTlsMaterialException(String message, Throwable cause) {
    super(message, cause);
  }
}
