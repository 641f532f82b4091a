package dev.palisade.operator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RoutesTest {

  private final RequestHandler ok = RequestHandler.of(request -> Response.text(200, "text/plain", "ok"));
  private final Routes routes = new Routes()
      .add("POST", "/v1/certificates", ok)
      .add("GET", "/v1/config", ok)
      .add("POST", "/v1/config", ok);

  @Test
  void findsExactMethodAndPath() {
    assertThat(routes.find("POST", "/v1/certificates")).contains(ok);
    assertThat(routes.find("POST", "/v1/certificates/")).isEmpty();
    assertThat(routes.find("post", "/v1/certificates")).isEmpty();
  }

  @Test
  void anUnknownPathIs404() {
    Response response = routes.notRouted("GET", "/admin");
    assertThat(response.status()).isEqualTo(404);
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"error\":\"not_found\",\"message\":\"no endpoint /admin\"}");
  }

  @Test
  void aKnownPathWithAnotherMethodIs405WithTheMethodsItHas() {
    Response response = routes.notRouted("DELETE", "/v1/config");
    assertThat(response.status()).isEqualTo(405);
    assertThat(response.headers()).containsEntry("Allow", "GET, POST");
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .contains("\"error\":\"method_not_allowed\"");
  }

  @Test
  void twoHandlersForOneRouteIsAMistake() {
    assertThatThrownBy(() -> routes.add("GET", "/v1/config", ok))
        .hasMessageContaining("two handlers for GET /v1/config");
  }
}
