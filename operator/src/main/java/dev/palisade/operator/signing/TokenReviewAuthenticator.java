package dev.palisade.operator.signing;

import dev.palisade.common.sidecar.SidecarContract;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Asks the Kubernetes API server who a token belongs to (TokenReview, for audience
 * {@code palisade}): it checks signature, expiry, audience, and that the service account and the
 * bound pod still exist. Never log the review object: its spec carries the token.
 */
public final class TokenReviewAuthenticator implements CallerAuthenticator {

  /** The audience sidecars request their projected token for. */
  public static final String AUDIENCE = SidecarContract.TOKEN_AUDIENCE;

  private final KubernetesClient client;

  public TokenReviewAuthenticator(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public Caller authenticate(String token) throws SigningRejection {
    TokenReview review;
    try {
      review = client.authentication().v1().tokenReviews().create(new TokenReviewBuilder()
          .withNewSpec().withToken(token).withAudiences(AUDIENCE).endSpec()
          .build());
    } catch (KubernetesClientException e) {
      // Only the status code: the exception's text may quote the request.
      throw new SigningRejection(SigningOutcome.KUBE_API_UNAVAILABLE,
          "cannot review the token with the Kubernetes API (HTTP " + e.getCode()
              + "); retry later");
    }
    return Caller.fromReview(review.getStatus(), AUDIENCE);
  }
}
