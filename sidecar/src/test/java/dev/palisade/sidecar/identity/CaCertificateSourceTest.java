package dev.palisade.sidecar.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.common.pki.Issuer;
import dev.palisade.common.pki.KeyType;
import dev.palisade.common.pki.X509Profiles;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.sidecar.tls.TlsMaterial;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** The adapter from the renewal loop to the proxy's TLS holder (no network). */
class CaCertificateSourceTest {

  @Test
  void publishesEachIssuedIdentityAsTlsMaterial() {
    KeyPair rootKeys = KeyType.ECDSA_P256.generate();
    Issuer root = new Issuer(X509Profiles.root(rootKeys, "cluster.local", Instant.now(),
        Duration.ofDays(1)), rootKeys.getPrivate(), List.of());
    WorkloadIdentity me = new WorkloadIdentity("cluster.local", "shop", "cart");
    KeyPair keys = KeyType.ECDSA_P256.generate();
    IssuedIdentity issued = new IssuedIdentity(me.toSpiffeId(), List.of(X509Profiles.workload(
        keys.getPublic(), me, root, Instant.now(), Duration.ofHours(1))), keys.getPrivate(),
        List.of(root.certificate()));
    ConcurrentLinkedQueue<TlsMaterial> published = new ConcurrentLinkedQueue<>();

    try (CaCertificateSource source = new CaCertificateSource(() -> issued,
        new IdentityRenewer.Listener() {
          @Override
          public void renewed(IssuedIdentity identity) {}

          @Override
          public void failed(IdentityException error, Duration retryIn) {}
        })) {
      source.start(published::add);
      await().atMost(Duration.ofSeconds(10)).until(() -> !published.isEmpty());
    }
    TlsMaterial material = published.peek();
    assertThat(material.chain()).isEqualTo(issued.chain());
    assertThat(material.key()).isEqualTo(issued.key());
    assertThat(material.trustBundle()).isEqualTo(issued.trustBundle());
  }
}
