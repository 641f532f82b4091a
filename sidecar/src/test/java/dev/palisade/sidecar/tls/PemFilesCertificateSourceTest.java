package dev.palisade.sidecar.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.common.pki.KeyType;
import dev.palisade.common.pki.Pem;
import dev.palisade.testing.TestCa;
import dev.palisade.testing.TestCa.Leaf;
import dev.palisade.testing.TestCa.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesCertificateSourceTest {

  private static final TestCa CA = TestCa.create("cluster.local");

  @TempDir
  Path dir;

  private final List<TlsMaterial> published = new CopyOnWriteArrayList<>();
  private final TlsMaterialHolder holder = new TlsMaterialHolder(
      TlsSettings.defaults("cluster.local"), new TlsMaterialHolder.Listener() {
        @Override
        public void installed(TlsContexts contexts) {
          published.add(contexts.material());
        }

        @Override
        public void rejected(TlsMaterial material, InvalidTlsMaterialException error) {}
      });

  @Test
  void loadsAtStartAndReloadsWhenTheFilesChange() throws Exception {
    Leaf first = CA.leaf(CA.identity("shop", "cart"));
    PemFiles files = CA.write(first, dir, "tls");
    try (PemFilesCertificateSource source = new PemFilesCertificateSource(files.chain(),
        files.key(), files.bundle(), Duration.ofMillis(50))) {
      source.start(holder);
      assertThat(holder.current().orElseThrow().material().leaf()).isEqualTo(first.leaf());

      Leaf second = CA.leaf(CA.identity("shop", "cart"));
      CA.write(second, dir, "tls");

      await().atMost(Duration.ofSeconds(10)).until(() ->
          holder.current().orElseThrow().material().leaf().equals(second.leaf()));
      assertThat(published).hasSize(2);
    }
  }

  @Test
  void aHalfWrittenPairIsRefusedThenPickedUpOnceComplete() throws Exception {
    Leaf first = CA.leaf(CA.identity("shop", "cart"));
    PemFiles files = CA.write(first, dir, "tls");
    PemFilesCertificateSource source = new PemFilesCertificateSource(files.chain(), files.key(),
        files.bundle(), Duration.ofHours(1)); // polled by hand below
    try (source) {
      assertThat(source.reloadIfChanged(holder)).isTrue();
      assertThat(source.reloadIfChanged(holder)).as("unchanged").isFalse();

      Leaf second = CA.leaf(CA.identity("shop", "cart"));
      Files.writeString(files.chain(), Pem.certificates(second.chain())); // key not yet
      assertThat(source.reloadIfChanged(holder)).isFalse();
      assertThat(holder.current().orElseThrow().material().leaf()).isEqualTo(first.leaf());

      Files.writeString(files.key(), Pem.privateKey(second.keys().getPrivate()));
      assertThat(source.reloadIfChanged(holder)).isTrue();
      assertThat(holder.current().orElseThrow().material().leaf()).isEqualTo(second.leaf());

      Files.writeString(files.key(), "not a key");
      assertThat(source.reloadIfChanged(holder)).isFalse();
      Files.writeString(files.key(), Pem.privateKey(KeyType.ECDSA_P256.generate().getPrivate()));
      assertThat(source.reloadIfChanged(holder)).isFalse();
      assertThat(holder.current().orElseThrow().material().leaf()).isEqualTo(second.leaf());
    }
  }
}
