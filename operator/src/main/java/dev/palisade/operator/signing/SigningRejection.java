package dev.palisade.operator.signing;

/**
 * A signing request refused: an {@link SigningOutcome} other than success, and a message for
 * the caller. Messages name what was wrong, never a token, key or CSR.
 */
public class SigningRejection extends Exception {

  private final SigningOutcome outcome;

  public SigningRejection(SigningOutcome outcome, String message) {
    super(message, null, false, false); // control flow, not a bug: no stack trace
    this.outcome = outcome;
  }

  public SigningOutcome outcome() {
    return outcome;
  }
}
