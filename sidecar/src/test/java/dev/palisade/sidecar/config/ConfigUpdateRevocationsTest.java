package dev.palisade.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.common.config.ConfigDocument;
import dev.palisade.common.json.JsonDocuments;
import dev.palisade.common.revocation.Revocations;
import dev.palisade.common.spiffe.SpiffeId;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/**
 * The wire names the proxy relies on to receive revocations: {@code revocations.serials} (hex,
 * openssl's colons allowed) and {@code revocations.identities}, read as the poller reads a
 * document (lenient JSON) into the configuration the proxy enforces; absent means none.
 */
class ConfigUpdateRevocationsTest {

  private static final JsonDocuments JSON = JsonDocuments.lenient();
  private static final String HEAD = """
      {"version": "v7", "spiffeId": "spiffe://cluster.local/ns/shop/sa/cart",
       "inbound": {"defaultMode": "STRICT"}, "outbound": {"requireMtls": false},
       "trustBundle": "", "pollTimeoutSeconds": 30""";

  @Test
  void revokedSerialsAndSuspendedIdentitiesReachTheEnforcedConfiguration() {
    ConfigPoller.Update update = ConfigPoller.Update.of(JSON.read(HEAD + """
        , "revocations": {"serials": ["0a:1B:2c", "ff"],
                          "identities": ["spiffe://cluster.local/ns/shop/sa/frontend"]}}
        """, ConfigDocument.class));

    Revocations revocations = update.config().revocations();
    assertThat(revocations.serials()).containsExactlyInAnyOrder(
        BigInteger.valueOf(0x0a1b2c), BigInteger.valueOf(0xff));
    assertThat(revocations.suspends(
        SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/frontend"))).isTrue();
  }

  @Test
  void aDocumentWithoutRevocationsRevokesNothing() {
    ConfigPoller.Update update = ConfigPoller.Update.of(JSON.read(HEAD + "}",
        ConfigDocument.class));
    assertThat(update.config().revocations()).isEqualTo(Revocations.NONE);
  }

  @Test
  void aMalformedSerialIsAnUnusableDocumentNotAnEmptyRevocation() {
    // The poller keeps the configuration in force on IllegalArgumentException.
    assertThatThrownBy(() -> JSON.read(HEAD + """
        , "revocations": {"serials": ["not-hex"]}}""", ConfigDocument.class))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serials[0]");
  }
}
