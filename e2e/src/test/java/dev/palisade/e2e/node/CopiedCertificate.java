package dev.palisade.e2e.node;

import dev.palisade.common.pki.Pem;
import dev.palisade.common.pki.SerialNumbers;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate and key taken out of a Secret, presented from this test's machine straight to
 * a pod's HTTP port (its proxy intercepts it there): what an attacker holding a copied key can
 * do.
 */
record CopiedCertificate(List<X509Certificate> chain, PrivateKey key,
    List<X509Certificate> bundle) {

  static CopiedCertificate of(Secret secret) {
    return new CopiedCertificate(Pem.parseCertificates(decoded(secret, "tls.crt")),
        Pem.parsePrivateKey(decoded(secret, "tls.key")),
        Pem.parseCertificates(decoded(secret, "ca.crt")));
  }

  String serial() {
    return SerialNumbers.format(chain.getFirst().getSerialNumber());
  }

  /** Whether the pod's proxy lets an HTTP request with this certificate through to its app. */
  boolean servedBy(Pod pod) {
    try (SSLSocket socket = (SSLSocket) context().getSocketFactory().createSocket()) {
      socket.connect(new InetSocketAddress(pod.getStatus().getPodIP(), 8080), 5_000);
      socket.setSoTimeout(5_000);
      socket.startHandshake();
      socket.getOutputStream().write("GET / HTTP/1.0\r\nHost: server\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.US_ASCII)).readLine();
      return status != null && status.startsWith("HTTP/1.");
    } catch (IOException e) {
      return false; // refused: under TLS 1.3 the server's alert arrives with the first read
    }
  }

  private SSLContext context() {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("copied", key, new char[0], chain.toArray(X509Certificate[]::new));
      KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(
          KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, new char[0]);
      KeyStore roots = KeyStore.getInstance("PKCS12");
      roots.load(null, null);
      for (int i = 0; i < bundle.size(); i++) {
        roots.setCertificateEntry("root-" + i, bundle.get(i));
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      trust.init(roots);
      SSLContext context = SSLContext.getInstance("TLSv1.3");
      context.init(keyManagers.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String decoded(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)),
        StandardCharsets.UTF_8);
  }
}
