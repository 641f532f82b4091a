package dev.palisade.common.spiffe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SpiffeIdTest {

  @Test
  void parsesTrustDomainAndPath() {
    SpiffeId id = SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/cart");
    assertThat(id.trustDomain()).isEqualTo("cluster.local");
    assertThat(id.path()).containsExactly("ns", "shop", "sa", "cart");
    assertThat(id).hasToString("spiffe://cluster.local/ns/shop/sa/cart");
  }

  @Test
  void trustDomainAloneIsAnId() {
    assertThat(SpiffeId.parse("spiffe://example.org").path()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "\"\"                                   | empty",
      "http://example.org/a                 | must start with spiffe://",
      "SPIFFE://example.org/a               | must start with spiffe://",
      "spiffe://                            | trust domain is empty",
      "spiffe:///ns/a                       | trust domain is empty",
      "spiffe://Example.org/a               | lowercase",
      "spiffe://example.org:8080/a          | lowercase",
      "spiffe://user@example.org/a          | lowercase",
      "spiffe://example.org/                | must not end with '/'",
      "spiffe://example.org/a/              | must not end with '/'",
      "spiffe://example.org//a              | empty segment",
      "spiffe://example.org/a/./b           | '.' or '..'",
      "spiffe://example.org/a/../b          | '.' or '..'",
      "spiffe://example.org/a?b=c           | may only contain",
      "spiffe://example.org/a#frag          | may only contain",
      "spiffe://example.org/a%20b           | may only contain",
  })
  void rejectsWhatTheSpecForbids(String text, String reason) {
    assertThatThrownBy(() -> SpiffeId.parse(text))
        .isInstanceOf(InvalidSpiffeIdException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void rejectsOverlongIds() {
    String id = "spiffe://example.org/" + "a".repeat(SpiffeId.MAX_LENGTH);
    assertThatThrownBy(() -> SpiffeId.parse(id)).hasMessageContaining("longer than 2048");
  }

  @ParameterizedTest
  @ValueSource(strings = {"spiffe://a_b-c.d/x", "spiffe://td/A.b-C_9", "spiffe://td/a/b/c/d/e"})
  void acceptsEverySpecCharacterClass(String text) {
    assertThat(SpiffeId.parse(text)).hasToString(text);
  }

  @Test
  void constructorValidatesToo() {
    assertThatThrownBy(() -> new SpiffeId("td", List.of("ok", "")))
        .hasMessageContaining("empty segment");
  }
}
