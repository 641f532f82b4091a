package dev.palisade.operator.signing;

/** Turns a bearer token into the {@link Caller} it belongs to; may block. */
@FunctionalInterface
public interface CallerAuthenticator {
  Caller authenticate(String token) throws SigningRejection;
}
