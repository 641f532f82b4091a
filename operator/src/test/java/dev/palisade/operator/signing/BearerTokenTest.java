package dev.palisade.operator.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BearerTokenTest {

  private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl-_";

  @Test
  void takesTheTokenOfABearerHeader() {
    assertThat(BearerToken.from(Optional.of("Bearer " + JWT))).contains(JWT);
  }

  @Test
  void theSchemeIsCaseInsensitiveAndSpacesAroundAreIgnored() {
    assertThat(BearerToken.from(Optional.of("  bearer   " + JWT + " "))).contains(JWT);
    assertThat(BearerToken.from(Optional.of("BEARER " + JWT))).contains(JWT);
  }

  @Test
  void paddingAndEveryToken68CharacterAreAllowed() {
    String all = "AZaz09-._~+/";
    assertThat(BearerToken.from(Optional.of("Bearer " + all + "=="))).contains(all + "==");
    assertThat(BearerToken.from(Optional.of("Bearer x"))).contains("x");
  }

  @Test
  void noHeaderIsNoToken() {
    assertThat(BearerToken.from(Optional.empty())).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", JWT,
      "Bearer two tokens", "Bearer tok\u0000en", "Bearer ===", "Bearertoken", "Bearer ab=c",
      "Bearer tok\u00e9n", "Bearer tok,en"})
  void anythingElseIsNoToken(String header) {
    assertThat(BearerToken.from(Optional.of(header))).isEmpty();
  }
}
