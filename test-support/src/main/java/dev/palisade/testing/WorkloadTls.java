package dev.palisade.testing;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

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

  /** Always offers its one certificate, even to a server that names other CAs. */
  private static final class FixedKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "workload";
    private final PrivateKey key;
    private final X509Certificate[] chain;

    FixedKeyManager(PrivateKey key, List<X509Certificate> chain) {
      this.key = key;
      this.chain = chain.toArray(X509Certificate[]::new);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers,
        SSLEngine engine) {
      return ALIAS;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      return ALIAS;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return new String[0];
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return ALIAS.equals(alias) ? key : null;
    }
  }
}
