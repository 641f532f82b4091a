package dev.palisade.sidecar.tls;

import dev.palisade.sidecar.tls.PeerVerifier.PeerRole;
import io.netty.handler.ssl.OpenSslCertificateException;
import io.netty.handler.ssl.ResumableX509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Plugs {@link PeerVerifier} into the TLS stack. With BoringSSL, Netty hands the peer's chain to
 * this trust manager instead of OpenSSL's own verification, so this is the only check: chain to
 * the bundle and SPIFFE ID, never a hostname, then revocation. Resumed sessions are re-checked
 * for time, identity and revocation (their chain was verified when the session was created).
 */
final class SpiffeTrustManager extends X509ExtendedTrustManager
    implements ResumableX509ExtendedTrustManager {

  // OpenSSL's verification error numbers (x509_vfy.h), which BoringSSL shares; the netty-tcnative
  // constants are not on the compile classpath. SpiffeTrustManagerTest checks them.
  static final int X509_V_ERR_UNSPECIFIED = 1;
  static final int X509_V_ERR_CERT_HAS_EXPIRED = 10;
  static final int X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY = 20;
  static final int X509_V_ERR_CERT_REVOKED = 23;
  static final int X509_V_ERR_CERT_REJECTED = 28;

  private final PeerVerifier verifier;

  SpiffeTrustManager(PeerVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, PeerRole.CLIENT);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, PeerRole.CLIENT);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, PeerRole.CLIENT);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, PeerRole.SERVER);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, PeerRole.SERVER);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, PeerRole.SERVER);
  }

  @Override
  public void resumeClientTrusted(X509Certificate[] chain, SSLEngine engine)
      throws CertificateException {
    checkResumed(chain);
  }

  @Override
  public void resumeServerTrusted(X509Certificate[] chain, SSLEngine engine)
      throws CertificateException {
    checkResumed(chain);
  }

  private void check(X509Certificate[] chain, PeerRole role) throws CertificateException {
    try {
      verifier.verify(chain, role);
    } catch (PeerRejectedException e) {
      throw withAlert(e);
    }
  }

  private void checkResumed(X509Certificate[] chain) throws CertificateException {
    try {
      verifier.verifyResumed(chain);
    } catch (PeerRejectedException e) {
      throw withAlert(e);
    }
  }

  /**
   * Tells BoringSSL which verification error this is, so the peer gets a telling alert
   * (unknown_ca, certificate_expired, bad_certificate, certificate_revoked) rather than
   * certificate_unknown; our verdict stays the cause, where {@link HandshakeFailures} reads the
   * reason.
   */
  static CertificateException withAlert(PeerRejectedException rejected) {
    int error = switch (rejected.reason()) {
      case EXPIRED -> X509_V_ERR_CERT_HAS_EXPIRED;
      case UNTRUSTED_CHAIN -> X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
      case IDENTITY_MISMATCH -> X509_V_ERR_CERT_REJECTED;
      // A suspended identity's certificates are all revoked, whatever their serial.
      case REVOKED, IDENTITY_SUSPENDED -> X509_V_ERR_CERT_REVOKED;
      default -> X509_V_ERR_UNSPECIFIED;
    };
    try {
      return new OpenSslCertificateException(rejected.getMessage(), rejected, error);
    } catch (IllegalArgumentException e) {
      return rejected; // a TLS library that numbers them differently: a generic alert
    }
  }

  /** The roots named in the CertificateRequest, so clients pick a certificate we can verify. */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return verifier.roots().toArray(X509Certificate[]::new);
  }
}
