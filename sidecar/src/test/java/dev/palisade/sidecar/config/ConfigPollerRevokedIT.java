package dev.palisade.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.palisade.common.pki.KeyType;
import dev.palisade.common.pki.SerialNumbers;
import dev.palisade.common.pki.X509Profiles;
import dev.palisade.common.time.Backoff;
import dev.palisade.sidecar.testing.TestMaterial;
import dev.palisade.sidecar.tls.TlsMaterial;
import dev.palisade.testing.TestCa;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * Over real TLS, against a stand-in config service that refuses the sidecar's certificate as
 * revoked (a revocation made while the sidecar could not hear of it): the poller asks for a new
 * certificate once per refused certificate, keeps the configuration in force, and retries.
 */
class ConfigPollerRevokedIT {

  private final TestCa ca = TestCa.create("cluster.local");

  @Test
  void aCertificateRefusedAsRevokedIsRenewedOncePerCertificate() throws Exception {
    AtomicReference<TlsMaterial> served = new AtomicReference<>(
        TestMaterial.of(ca, "shop", "web"));
    AtomicInteger requests = new AtomicInteger();
    List<String> renewals = new CopyOnWriteArrayList<>();
    AtomicInteger applied = new AtomicInteger();
    HttpsServer server = refusingAsRevoked(requests);
    try (ConfigPoller poller = new ConfigPoller(
        URI.create("https://localhost:" + server.getAddress().getPort()), "web-0",
        () -> Optional.of(served.get()), update -> applied.incrementAndGet(),
        new Backoff(Duration.ofMillis(10), Duration.ofMillis(50)), renewals::add).start()) {
      await("refused a few times").atMost(Duration.ofSeconds(30)).until(() -> requests.get() >= 3);
      assertThat(renewals).singleElement().asString()
          .contains(SerialNumbers.format(served.get().leaf().getSerialNumber()));

      served.set(TestMaterial.of(ca, "shop", "web")); // renewed, and refused again
      int seen = requests.get();
      await("the new certificate refused too").atMost(Duration.ofSeconds(30))
          .until(() -> requests.get() >= seen + 3);
      assertThat(renewals).hasSize(2);
      assertThat(applied).as("nothing applied: the configuration in force stays").hasValue(0);
    } finally {
      server.stop(0);
    }
  }

  private HttpsServer refusingAsRevoked(AtomicInteger requests) throws Exception {
    KeyPair keys = KeyType.ECDSA_P256.generate();
    X509Certificate certificate = X509Profiles.server(keys.getPublic(),
        ca.identity("palisade-system", "palisade-operator"), List.of("localhost"), ca.issuer(),
        Instant.now(), Duration.ofHours(1));
    List<X509Certificate> chain = new ArrayList<>(List.of(certificate));
    chain.addAll(ca.issuer().intermediates());
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("operator", keys.getPrivate(), new char[0],
        chain.toArray(X509Certificate[]::new));
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(
        KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(store, new char[0]);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keyManagers.getKeyManagers(), null, null);
    HttpsServer server = HttpsServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext("/v1/config", exchange -> {
      requests.incrementAndGet();
      byte[] body = "{\"error\":\"revoked\",\"message\":\"the client certificate is revoked\"}"
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(403, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    return server;
  }
}
