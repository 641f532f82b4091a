package dev.palisade.testing;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** A client TLS context that trusts one root and nothing else, as a sidecar with its bundle. */
public final class TrustingRoot {
  private TrustingRoot() {}

  public static SSLContext sslContext(X509Certificate root) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagers(root), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Trust managers that trust {@code root} and nothing else. */
  public static TrustManager[] trustManagers(X509Certificate root) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("root", root);
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      return factory.getTrustManagers();
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
