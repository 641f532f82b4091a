package dev.palisade.sidecar.proxy;

import dev.palisade.sidecar.tls.HandshakeFailure;
import dev.palisade.sidecar.tls.PeerRejectedException;
import dev.palisade.sidecar.tls.X509Svid;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;

/** The peer of a completed handshake (its chain was verified during it). */
final class PeerIdentities {
  private PeerIdentities() {}

  static VerifiedPeer of(SslHandler tls) throws PeerRejectedException {
    try {
      Certificate[] chain = tls.engine().getSession().getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
        return new VerifiedPeer(X509Svid.spiffeId(leaf), leaf.getSerialNumber());
      }
    } catch (SSLPeerUnverifiedException e) {
      // fall through
    }
    throw new PeerRejectedException(HandshakeFailure.IDENTITY_MISMATCH,
        "the session has no peer certificate");
  }
}
