package dev.palisade.sidecar.tls;

import dev.palisade.common.pki.FixedKeyManager;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.util.SimpleKeyManagerFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.ManagerFactoryParameters;

/**
 * Hands BoringSSL our one key and chain. Netty's own {@code keyManager(key, chain)} first puts
 * them in a PKCS#12 key store under a random password, and reads them back: two PBKDF2
 * derivations of 10,000 HMAC rounds each, in cold Java, about a third of the proxy's start.
 * This gives them as they are ({@link FixedKeyManager}); Netty converts them to BoringSSL's form
 * once and caches that.
 */
final class SingleKeyManagerFactory extends SimpleKeyManagerFactory {

  private final KeyManager[] managers;

  private SingleKeyManagerFactory(PrivateKey key, List<X509Certificate> chain) {
    this.managers = new KeyManager[] {new FixedKeyManager(key, chain)};
  }

  /** A factory for Netty's OpenSSL contexts, which caches the converted material. */
  static KeyManagerFactory of(PrivateKey key, List<X509Certificate> chain) {
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
}
