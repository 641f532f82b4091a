package dev.palisade.operator.ca;

/**
 * A TrustDomain's CA source cannot be used; {@link #reason()} is the Ready condition's reason
 * and the message tells the user what to fix. The CA keeps signing with what it had.
 */
public class CaSourceException extends Exception {
  private final String reason;

  public CaSourceException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
