package dev.palisade.operator.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a TokenReview's status says about the caller: pure parsing, no API server. */
class CallerTest {

  private static final Map<String, List<String>> POD_BOUND = Map.of(
      Caller.POD_NAME, List.of("cart-7d9f"), Caller.POD_UID, List.of("0b6c-uid"));

  @Test
  void aPodBoundServiceAccountTokenNamesNamespaceServiceAccountAndPod() throws Exception {
    Caller caller = Caller.fromReview(status("system:serviceaccount:shop:cart", POD_BOUND), "palisade");

    assertThat(caller).isEqualTo(new Caller("shop", "cart", "cart-7d9f", "0b6c-uid"));
    assertThat(caller.identity("cluster.local").toString())
        .isEqualTo("spiffe://cluster.local/ns/shop/sa/cart");
  }

  @Test
  void serviceAccountNamesMayContainDots() throws Exception {
    assertThat(Caller.fromReview(status("system:serviceaccount:shop:cart.v2", POD_BOUND),
        "palisade").serviceAccount()).isEqualTo("cart.v2");
  }

  @Test
  void anUnauthenticatedTokenIsInvalidAndTheApiServersReasonIsNotEchoed() throws Exception {
    TokenReviewStatus status = new TokenReviewStatusBuilder().withAuthenticated(false)
        .withError("[invalid bearer token, square/go-jose: error in cryptographic primitive]")
        .build();
    assertRefused(status, SigningOutcome.INVALID_TOKEN, "did not accept");
    try {
      Caller.fromReview(status, "palisade");
    } catch (SigningRejection rejection) {
      assertThat(rejection.getMessage()).doesNotContain("go-jose").doesNotContain("bearer token,");
    }
    assertRefused(new TokenReviewStatus(), SigningOutcome.INVALID_TOKEN, "did not accept");
    assertRefused(null, SigningOutcome.INVALID_TOKEN, "did not accept");
  }

  @Test
  void anAuthenticationWithoutOurAudienceIsRefused() {
    TokenReviewStatus status = new TokenReviewStatusBuilder(
        status("system:serviceaccount:shop:cart", POD_BOUND)).withAudiences("kubernetes").build();
    assertRefused(status, SigningOutcome.WRONG_AUDIENCE, "audience \"palisade\"");
    assertRefused(new TokenReviewStatusBuilder(status).withAudiences().build(),
        SigningOutcome.WRONG_AUDIENCE, "audience");
  }

  @ParameterizedTest
  @ValueSource(strings = {"alice", "system:node:worker-1", "system:serviceaccount:shop",
      "system:serviceaccount:shop:", "system:serviceaccount::cart",
      "system:serviceaccount:shop:cart:extra", "system:serviceaccounts:shop:cart"})
  void usersThatAreNotServiceAccountsAreRefused(String username) {
    assertRefused(status(username, POD_BOUND), SigningOutcome.NOT_SERVICE_ACCOUNT, username);
  }

  @Test
  void tokensNotBoundToAPodAreRefused() {
    String sa = "system:serviceaccount:shop:cart";
    assertRefused(status(sa, Map.of()), SigningOutcome.NOT_POD_BOUND, "not bound to a pod");
    assertRefused(status(sa, Map.of(Caller.POD_NAME, List.of("cart-7d9f"))),
        SigningOutcome.NOT_POD_BOUND, "not bound to a pod");
    assertRefused(status(sa, Map.of(Caller.POD_NAME, List.of("a", "b"),
        Caller.POD_UID, List.of("u"))), SigningOutcome.NOT_POD_BOUND, "not bound to a pod");
    assertRefused(status(sa, null), SigningOutcome.NOT_POD_BOUND, "not bound to a pod");
  }

  private static TokenReviewStatus status(String username, Map<String, List<String>> extra) {
    return new TokenReviewStatusBuilder()
        .withAuthenticated(true)
        .withAudiences("palisade")
        .withNewUser().withUsername(username).withExtra(extra).endUser()
        .build();
  }

  private static void assertRefused(TokenReviewStatus status, SigningOutcome outcome,
      String message) {
    assertThatThrownBy(() -> Caller.fromReview(status, "palisade"))
        .isInstanceOfSatisfying(SigningRejection.class,
            e -> assertThat(e.outcome()).isEqualTo(outcome))
        .hasMessageContaining(message);
  }
}
