package dev.palisade.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.common.config.ConfigDocument;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.signing.CertificateRequest;
import dev.palisade.common.signing.CertificateResponse;
import org.junit.jupiter.api.Test;

class JsonDocumentsTest {

  private static final String CONFIG = """
      {"version": "v1", "spiffeId": "spiffe://td/ns/a/sa/b",
       "inbound": {"defaultMode": "PERMISSIVE", "portModes": {"8080": "STRICT"}, "rules": []},
       "outbound": {"meshed": {}, "requireMtls": false, "destinations": "/v1/destinations"},
       "trustBundle": "", "pollTimeoutSeconds": 30, "newerField": 1}
      """;

  @Test
  void lenientReadsWhatANewerPeerSendsAndStrictRefusesIt() {
    ConfigDocument document = JsonDocuments.lenient().read(CONFIG, ConfigDocument.class);
    assertThat(document.inbound().portModes()).containsEntry(8080, MtlsMode.STRICT);
    assertThat(document.pollTimeoutSeconds()).isEqualTo(30);

    assertThatThrownBy(() -> JsonDocuments.strict().read(CONFIG, ConfigDocument.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("newerField: unknown field (expected one of inbound, outbound,");
  }

  @Test
  void aBadValueIsNamedByItsPathInEitherMode() {
    String json = CONFIG.replace("\"8080\"", "\"0\"");
    assertThatThrownBy(() -> JsonDocuments.lenient().read(json, ConfigDocument.class))
        .hasMessage("inbound.portModes.0: '0' is not a port (1..65535)");
  }

  @Test
  void theSigningDocumentsRoundTrip() {
    String request = JsonDocuments.strict().write(new CertificateRequest("PEM"));
    assertThat(request).isEqualTo("{\"csr\":\"PEM\"}");
    CertificateResponse response = JsonDocuments.lenient().read("""
        {"certificateChain": "a", "trustBundle": "b", "spiffeId": "spiffe://td/ns/a/sa/b",
         "notAfter": "2026-12-05T00:00:00Z"}""", CertificateResponse.class);
    assertThat(response.spiffeId()).isEqualTo("spiffe://td/ns/a/sa/b");
    assertThat(response.expiry()).hasToString("2026-12-05T00:00:00Z");
  }

  @Test
  void notJsonSaysWhere() {
    assertThatThrownBy(() -> JsonDocuments.strict().read("{\"csr\": ", CertificateRequest.class))
        .hasMessageStartingWith("not JSON: ");
    assertThatThrownBy(() -> JsonDocuments.strict().read("null", CertificateRequest.class))
        .hasMessage("expected an object, not null");
  }
}
