package dev.palisade.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.common.pki.KeyType;
import dev.palisade.common.pki.Pem;
import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.sidecar.testing.Clients;
import dev.palisade.sidecar.testing.Mesh;
import dev.palisade.sidecar.testing.TestApp.Behaviour;
import dev.palisade.sidecar.testing.TestApp;
import dev.palisade.testing.TestCa.Leaf;
import dev.palisade.testing.TestCa.PemFiles;
import dev.palisade.sidecar.testing.TestMaterial;
import dev.palisade.testing.TestCa;
import dev.palisade.sidecar.tls.InvalidTlsMaterialException;
import dev.palisade.sidecar.tls.TlsMaterial;
import dev.palisade.testing.CommandLine;
import dev.palisade.testing.Openssl;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Swapping certificates while connections are open. */
class RotationIT {

  private static final TestCa CA = TestCa.create("cluster.local");

  @TempDir
  Path pems;

  @Test
  void openConnectionsKeepRelayingAndNewOnesGetTheNewCertificate() throws Exception {
    try (TestApp echo = TestApp.start(Behaviour.ECHO);
        Mesh mesh = Mesh.start(CA, echo.port(), InboundPolicy.strictDefault());
        Socket before = mesh.connect()) {
      Clients.write(before, "before");
      assertThat(Clients.readExactly(before, 6)).isEqualTo("before");
      X509Certificate first = servedBy(mesh);

      Leaf renewed = CA.leaf(mesh.b.identity());
      mesh.b.runtime().tls().publish(TestMaterial.of(CA, renewed));

      Clients.write(before, "during");
      assertThat(Clients.readExactly(before, 6)).as("the open connection still relays")
          .isEqualTo("during");
      try (Socket after = mesh.connect()) {
        Clients.write(after, "after");
        assertThat(Clients.readExactly(after, 5)).isEqualTo("after");
      }
      X509Certificate second = servedBy(mesh);
      assertThat(second).isEqualTo(renewed.leaf()).isNotEqualTo(first);
      assertThat(mesh.b.metric("palisade_certificate_expiry_timestamp_seconds", Map.of()))
          .isEqualTo(renewed.leaf().getNotAfter().toInstant().getEpochSecond());
      Clients.write(before, "still");
      assertThat(Clients.readExactly(before, 5)).isEqualTo("still");
    }
  }

  @Test
  void aRefusedReloadKeepsServingTheLastGoodCertificate() throws Exception {
    try (TestApp echo = TestApp.start(Behaviour.ECHO);
        Mesh mesh = Mesh.start(CA, echo.port(), InboundPolicy.strictDefault())) {
      X509Certificate good = servedBy(mesh);
      Leaf leaf = CA.leaf(mesh.b.identity());
      TlsMaterial wrongKey = new TlsMaterial(leaf.chain(),
          KeyType.ECDSA_P256.generate().getPrivate(), CA.bundle());
      double failures = mesh.b.metric("palisade_certificate_renewals_total",
          Map.of("result", "failure"));

      assertThatThrownBy(() -> mesh.b.runtime().tls().publish(wrongKey))
          .isInstanceOf(InvalidTlsMaterialException.class)
          .hasMessageContaining("private key");

      assertThat(servedBy(mesh)).isEqualTo(good);
      assertThat(mesh.b.metric("palisade_certificate_renewals_total",
          Map.of("result", "failure"))).isEqualTo(failures + 1);
      try (Socket client = mesh.connect()) {
        Clients.write(client, "ok");
        assertThat(Clients.readExactly(client, 2)).isEqualTo("ok");
      }
    }
  }

  /** The leaf B's inbound listener presents to a new connection, as openssl sees it. */
  private X509Certificate servedBy(Mesh mesh) {
    PemFiles client = CA.write(CA.leaf(CA.identity("shop", "probe")), pems, "probe");
    CommandLine.Result result = Openssl.handshake(mesh.b.inboundPort(), List.of("-tls1_3",
        "-cert", client.chain().toString(), "-cert_chain", client.chain().toString(),
        "-key", client.key().toString(), "-CAfile", client.bundle().toString()),
        Duration.ofSeconds(20));
    assertThat(result.timedOut()).isFalse();
    String output = result.output();
    int begin = output.indexOf("-----BEGIN CERTIFICATE-----");
    int end = output.indexOf("-----END CERTIFICATE-----", begin);
    assertThat(begin).as("s_client printed the server certificate: %s", output).isNotNegative();
    return Pem.parseCertificates(output.substring(begin, end + 25)).getFirst();
  }
}
