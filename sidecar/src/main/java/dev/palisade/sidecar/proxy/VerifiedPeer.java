package dev.palisade.sidecar.proxy;

import dev.palisade.common.pki.SerialNumbers;
import dev.palisade.common.spiffe.SpiffeId;
import java.math.BigInteger;

/**
 * The peer of a completed mTLS handshake: its SPIFFE ID and its leaf certificate's serial
 * number, what a configuration can suspend or revoke after the connection was admitted.
 *
 * @param id the SPIFFE ID its verified certificate carries
 * @param serial that certificate's serial number
 */
record VerifiedPeer(SpiffeId id, BigInteger serial) {

  /** For logs: the identity and the serial as Palisade writes it. */
  @Override
  public String toString() {
    return id + " (certificate serial " + SerialNumbers.format(serial) + ")";
  }
}
