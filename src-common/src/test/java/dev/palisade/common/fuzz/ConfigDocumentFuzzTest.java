package dev.palisade.common.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.palisade.common.config.ConfigDocument;
import dev.palisade.common.json.JsonDocuments;
import java.nio.charset.StandardCharsets;

/**
 * The configuration document, as a proxy reads it from the operator (and, strictly, from its
 * static file): it becomes a policy or an IllegalArgumentException naming what is wrong; what it
 * accepts survives a round trip unchanged.
 */
class ConfigDocumentFuzzTest {

  private static final JsonDocuments STRICT = JsonDocuments.strict();

  @FuzzTest
  void readsOrRefusesWithAMessage(byte[] input) {
    ConfigDocument document;
    try {
      document = STRICT.read(new String(input, StandardCharsets.UTF_8), ConfigDocument.class);
      document.toSidecarConfig();
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(STRICT.read(STRICT.write(document), ConfigDocument.class)).isEqualTo(document);
  }
}
