package dev.palisade.sidecar.tls;

import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.util.SimpleKeyManagerFactory;
import java.net.Socket;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Hands BoringSSL our one key and chain. Netty's own {@code keyManager(key, chain)} first puts
 * them in a PKCS#12 key store under a random password, and reads them back: two PBKDF2
 * derivations of 10,000 HMAC rounds each, in cold Java, about a third of the proxy's start.
 * This gives them as they are; Netty converts them to BoringSSL's form once and caches that.
 */
final class SingleKeyManagerFactory extends SimpleKeyManagerFactory {

  private static final String ALIAS = "palisade";

  private final KeyManager[] managers;

  private SingleKeyManagerFactory(PrivateKey key, X509Certificate[] chain) {
    this.managers = new KeyManager[] {new SingleKeyManager(key, chain.clone())};
  }

  /** A factory for Netty's OpenSSL contexts, which caches the converted material. */
  static KeyManagerFactory of(PrivateKey key, X509Certificate[] chain) {
    return new OpenSslCachingX509KeyManagerFactory(new SingleKeyManagerFactory(key, chain));
  }

  @Override
  protected void engineInit(KeyStore keyStore, char[] password) {}

  @Override
  protected void engineInit(ManagerFactoryParameters parameters) {}

  @Override
  protected KeyManager[] engineGetKeyManagers() {
    return managers;
  }

  /** One alias for every key type asked for: BoringSSL refuses a handshake the key cannot do. */
  private static final class SingleKeyManager extends X509ExtendedKeyManager {
    private final PrivateKey key;
    private final X509Certificate[] chain;

    SingleKeyManager(PrivateKey key, X509Certificate[] chain) {
      this.key = key;
      this.chain = chain;
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
}
