package dev.palisade.sidecar.config;

import dev.palisade.common.pki.FixedKeyManager;
import dev.palisade.sidecar.tls.TlsMaterial;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The TLS context for talking to the operator's config service as this workload. */
final class OperatorTls {

  private OperatorTls() {}

  /** Our certificate as the client identity; the mesh's bundle to verify the operator. */
  static SSLContext clientContext(TlsMaterial material) {
    try {
      KeyStore roots = KeyStore.getInstance("PKCS12");
      roots.load(null, null);
      int i = 0;
      for (X509Certificate root : material.trustBundle()) {
        roots.setCertificateEntry("root-" + i++, root);
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      trust.init(roots);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {new FixedKeyManager(material.key(), material.chain())},
          trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the client TLS context: " + e.getMessage(), e);
    }
  }
}
