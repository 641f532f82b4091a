package dev.palisade.testing;

import dev.palisade.common.pki.FixedKeyManager;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * A client TLS context as a sidecar has one: its workload certificate (presented whatever CAs
 * the server names, as a proxy does) and the trust bundle's root.
 */
public final class WorkloadTls {

  private WorkloadTls() {}

  public static SSLContext clientContext(X509Certificate root, PrivateKey key,
      List<X509Certificate> chain) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {new FixedKeyManager(key, chain)},
          TrustingRoot.trustManagers(root), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
