package dev.palisade.common.pki;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * One key and its chain, offered in either role whatever the peer asks for (a proxy presents its
 * workload certificate to every peer; a handshake the key cannot do fails in the TLS library).
 * Built straight from the key: a {@code KeyStore} round trip costs two PBKDF2 derivations.
 */
public final class FixedKeyManager extends X509ExtendedKeyManager {

  private static final String ALIAS = "workload";

  private final PrivateKey key;
  private final X509Certificate[] chain;

  /** @param chain leaf first */
  public FixedKeyManager(PrivateKey key, List<X509Certificate> chain) {
    this.key = key;
    this.chain = chain.toArray(X509Certificate[]::new);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return ALIAS;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers,
      SSLEngine engine) {
    return ALIAS;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return ALIAS;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return ALIAS;
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
