package dev.palisade.operator.signing;

import dev.palisade.operator.ca.CaUnavailableException;
import dev.palisade.operator.ca.CertificateAuthority;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies client certificates against the trust domain's current roots (the trust bundle), read
 * from the CA at each handshake, so a root rotation applies without rebuilding the TLS context.
 * The JDK's PKIX trust manager does the verification (chain, validity, key usage for clients);
 * it is rebuilt only when the roots change. Used for client authentication only.
 */
final class ClientCertificateTrust extends X509ExtendedTrustManager {

  private record Built(List<X509Certificate> roots, X509ExtendedTrustManager pkix) {}

  private final CertificateAuthority ca;
  private final AtomicReference<Built> built = new AtomicReference<>();

  ClientCertificateTrust(CertificateAuthority ca) {
    this.ca = ca;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    current().checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    current().checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    current().checkClientTrusted(chain, authType);
  }

  /** The roots whose certificates are accepted: what the server's CertificateRequest names. */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    try {
      return ca.trustBundle().toArray(X509Certificate[]::new);
    } catch (CaUnavailableException e) {
      return new X509Certificate[0];
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("this trust manager verifies clients only");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("this trust manager verifies clients only");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("this trust manager verifies clients only");
  }

  private X509ExtendedTrustManager current() throws CertificateException {
    List<X509Certificate> roots;
    try {
      roots = ca.trustBundle();
    } catch (CaUnavailableException e) {
      throw new CertificateException("no trust bundle to verify client certificates with: "
          + e.getMessage());
    }
    Built now = built.get();
    if (now == null || !now.roots().equals(roots)) {
      now = new Built(List.copyOf(roots), pkix(roots));
      built.set(now);
    }
    return now.pkix();
  }

  private static X509ExtendedTrustManager pkix(List<X509Certificate> roots)
      throws CertificateException {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < roots.size(); i++) {
        store.setCertificateEntry("root-" + i, roots.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager x509) {
          return x509;
        }
      }
      throw new CertificateException("the JDK has no PKIX X509 trust manager");
    } catch (GeneralSecurityException | IOException e) {
      throw new CertificateException("cannot build a trust manager from the bundle: "
          + e.getMessage(), e);
    }
  }
}
