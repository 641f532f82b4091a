package dev.palisade.operator.signing;

import dev.palisade.common.spiffe.WorkloadIdentity;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import java.util.List;
import java.util.Map;

/**
 * Who asks for a certificate, as the Kubernetes API server vouched for the caller's token: a
 * service account and the pod the token is bound to. The certificate's identity comes from here
 * alone, never from the CSR.
 */
public record Caller(String namespace, String serviceAccount, String podName, String podUid) {

  static final String USERNAME_PREFIX = "system:serviceaccount:";
  static final String POD_NAME = "authentication.kubernetes.io/pod-name";
  static final String POD_UID = "authentication.kubernetes.io/pod-uid";

  /**
   * The caller a TokenReview's status describes, or why it is none: not authenticated, not for
   * {@code audience}, not a service account, or not bound to a pod.
   */
  public static Caller fromReview(TokenReviewStatus status, String audience)
      throws SigningRejection {
    if (status == null || !Boolean.TRUE.equals(status.getAuthenticated())) {
      // The API server's error is not passed on: the caller is unauthenticated, and the text
      // describes the server's authenticators.
      throw new SigningRejection(SigningOutcome.INVALID_TOKEN,
          "the Kubernetes API server did not accept the token: it is not a valid, unexpired token"
              + " of a live pod for audience " + audience);
    }
    // An API server that ignored spec.audiences would say nothing here: refuse that too.
    if (status.getAudiences() == null || !status.getAudiences().contains(audience)) {
      throw new SigningRejection(SigningOutcome.WRONG_AUDIENCE,
          "the token is not for audience \"" + audience + "\"; mount a projected token with"
              + " audience: " + audience);
    }
    UserInfo user = status.getUser();
    String username = user == null ? null : user.getUsername();
    String[] serviceAccount = parseServiceAccount(username);
    Map<String, List<String>> extra = user.getExtra() == null ? Map.of() : user.getExtra();
    String podName = single(extra.get(POD_NAME));
    String podUid = single(extra.get(POD_UID));
    if (podName == null || podUid == null) {
      throw new SigningRejection(SigningOutcome.NOT_POD_BOUND, "the token of " + username
          + " is not bound to a pod; use a projected service account token");
    }
    return new Caller(serviceAccount[0], serviceAccount[1], podName, podUid);
  }

  /** {@code system:serviceaccount:<namespace>:<name>} split into namespace and name. */
  private static String[] parseServiceAccount(String username) throws SigningRejection {
    if (username != null && username.startsWith(USERNAME_PREFIX)) {
      String[] parts = username.substring(USERNAME_PREFIX.length()).split(":", -1);
      if (parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
        return parts;
      }
    }
    throw new SigningRejection(SigningOutcome.NOT_SERVICE_ACCOUNT,
        "certificates are for service accounts; the token belongs to " + username);
  }

  private static String single(List<String> values) {
    return values != null && values.size() == 1 && !values.getFirst().isBlank()
        ? values.getFirst() : null;
  }

  /** The SPIFFE identity this caller's certificate gets. */
  public WorkloadIdentity identity(String trustDomain) {
    return new WorkloadIdentity(trustDomain, namespace, serviceAccount);
  }

  /** For logs: the service account and pod, nothing secret. */
  @Override
  public String toString() {
    return namespace + "/" + serviceAccount + " (pod " + podName + ")";
  }
}
