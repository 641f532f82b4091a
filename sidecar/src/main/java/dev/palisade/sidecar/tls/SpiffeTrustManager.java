package dev.palisade.sidecar.tls;

import dev.palisade.sidecar.tls.PeerVerifier.PeerRole;
import io.netty.handler.ssl.ResumableX509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Plugs {@link PeerVerifier} into the TLS stack. With BoringSSL, Netty hands the peer's chain to
 * this trust manager instead of OpenSSL's own verification, so this is the only check: chain to
 * the bundle and SPIFFE ID, never a hostname. Resumed sessions are re-checked for time and
 * identity (their chain was verified when the session was created).
 */
final class SpiffeTrustManager extends X509ExtendedTrustManager
    implements ResumableX509ExtendedTrustManager {

  private final PeerVerifier verifier;

  SpiffeTrustManager(PeerVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    verifier.verify(chain, PeerRole.CLIENT);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    verifier.verify(chain, PeerRole.CLIENT);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    verifier.verify(chain, PeerRole.CLIENT);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    verifier.verify(chain, PeerRole.SERVER);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    verifier.verify(chain, PeerRole.SERVER);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    verifier.verify(chain, PeerRole.SERVER);
  }

  @Override
  public void resumeClientTrusted(X509Certificate[] chain, SSLEngine engine)
      throws CertificateException {
    verifier.verifyResumed(chain);
  }

  @Override
  public void resumeServerTrusted(X509Certificate[] chain, SSLEngine engine)
      throws CertificateException {
    verifier.verifyResumed(chain);
  }

  /** The roots named in the CertificateRequest, so clients pick a certificate we can verify. */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return verifier.roots().toArray(X509Certificate[]::new);
  }
}
