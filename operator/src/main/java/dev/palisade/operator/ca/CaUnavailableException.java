package dev.palisade.operator.ca;

/** The CA cannot sign right now (no TrustDomain, or its issuer is not ready); retry later. */
public class CaUnavailableException extends Exception {
  public CaUnavailableException(String message) {
    super(message);
  }
}
