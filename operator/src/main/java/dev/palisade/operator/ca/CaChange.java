package dev.palisade.operator.ca;

/** What one planning step changed; each becomes an Event on the TrustDomain. */
public enum CaChange {
  ROOT_CREATED("Created the root CA"),
  ROOT_ROTATION_STARTED("Added a new root to the trust bundle; leaves move to it once it has propagated"),
  ISSUER_ISSUED("Issued a new intermediate issuer"),
  OLD_ROOTS_RETIRED("Removed old roots from the trust bundle: every leaf now chains to the new root");

  private final String message;

  CaChange(String message) {
    this.message = message;
  }

  public String message() {
    return message;
  }
}
