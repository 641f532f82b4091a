package dev.palisade.operator.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TokenPrecheckTest {

  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  private static String jwt(String payloadJson) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
  }

  private static SigningOutcome outcome(String token) {
    return TokenPrecheck.check(token, "palisade", NOW).map(SigningRejection::outcome).orElse(null);
  }

  @Test
  void aLiveTokenForPalisadeGoesOnToTheTokenReview() {
    long later = NOW.getEpochSecond() + 600;
    assertThat(outcome(jwt("{\"aud\":[\"palisade\"],\"exp\":" + later + "}"))).isNull();
    assertThat(outcome(jwt("{\"aud\":\"palisade\",\"exp\":" + later + "}"))).isNull();
  }

  @Test
  void malformedExpiredAndForeignTokensAreRefusedAtOnce() {
    long later = NOW.getEpochSecond() + 600;
    assertThat(outcome("opaque-token")).isEqualTo(SigningOutcome.INVALID_TOKEN);
    assertThat(outcome("a.!!!.c")).isEqualTo(SigningOutcome.INVALID_TOKEN);
    assertThat(outcome(jwt("[1,2]"))).isEqualTo(SigningOutcome.INVALID_TOKEN);
    assertThat(outcome(jwt("{\"aud\":\"palisade\"}"))).isEqualTo(SigningOutcome.INVALID_TOKEN);
    assertThat(outcome(jwt("{\"aud\":\"palisade\",\"exp\":" + NOW.getEpochSecond() + "}")))
        .isEqualTo(SigningOutcome.INVALID_TOKEN);
    assertThat(outcome(jwt("{\"aud\":[\"https://kubernetes.default.svc\"],\"exp\":" + later
        + "}"))).isEqualTo(SigningOutcome.WRONG_AUDIENCE);
    assertThat(outcome(jwt("{\"exp\":" + later + "}"))).isEqualTo(SigningOutcome.WRONG_AUDIENCE);
  }

  @Test
  void messagesNeverQuoteTheToken() {
    String token = jwt("{\"aud\":\"other\",\"exp\":1}");
    assertThat(TokenPrecheck.check(token, "palisade", NOW).orElseThrow().getMessage())
        .doesNotContain(token.split("\\.")[1]);
  }
}
