package dev.palisade.sidecar.tls;

import java.security.cert.CertificateException;

/**
 * A peer certificate Palisade refuses, with the reason for metrics. It is a
 * {@link CertificateException} so that the TLS stack aborts the handshake with it, and Netty
 * keeps it as the cause of the handshake failure, where {@link HandshakeFailures} finds it.
 */
public final class PeerRejectedException extends CertificateException {

  private final HandshakeFailure reason;

  public PeerRejectedException(HandshakeFailure reason, String message) {
    super(message);
    this.reason = reason;
  }

  public PeerRejectedException(HandshakeFailure reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public HandshakeFailure reason() {
    return reason;
  }
}
