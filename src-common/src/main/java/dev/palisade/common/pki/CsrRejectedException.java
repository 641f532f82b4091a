package dev.palisade.common.pki;

/** A certificate signing request Palisade will not sign; {@link #reason()} is for metrics. */
public class CsrRejectedException extends Exception {

  /** A closed set, used as a metric label. */
  public enum Reason {
    MALFORMED, TOO_LARGE, BAD_SIGNATURE, WEAK_KEY, UNSUPPORTED_KEY;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Reason reason;

  public CsrRejectedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
