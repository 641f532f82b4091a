package dev.palisade.operator.signing;

import dev.palisade.common.pki.CsrRejectedException;

/**
 * How a signing request ended: the closed set of {@code result} label values of
 * {@code palisade_ca_certificates_issued_total}, the {@code error} of a refusal's JSON body, and
 * its HTTP status. docs/signing.md lists them; add one there when adding one here.
 */
public enum SigningOutcome {
  SUCCESS(200, "success"),

  // 401: no usable token.
  MISSING_TOKEN(401, "missing_token"),
  INVALID_TOKEN(401, "invalid_token"),
  WRONG_AUDIENCE(401, "wrong_audience"),

  // 403: a valid token, but not of a live pod's service account.
  NOT_SERVICE_ACCOUNT(403, "not_service_account"),
  NOT_POD_BOUND(403, "not_pod_bound"),
  POD_NOT_FOUND(403, "pod_not_found"),
  POD_UID_MISMATCH(403, "pod_uid_mismatch"),
  POD_TERMINATING(403, "pod_terminating"),
  SERVICE_ACCOUNT_MISMATCH(403, "service_account_mismatch"),
  // 403: the identity is suspended by an IdentitySuspension (docs/incident-response.md).
  IDENTITY_SUSPENDED(403, "identity_suspended"),

  // 400: the body, then the CSR (labels of CsrRejectedException.Reason).
  MALFORMED_REQUEST(400, "malformed_request"),
  CSR_MALFORMED(400, "malformed"),
  CSR_TOO_LARGE(400, "too_large"),
  CSR_BAD_SIGNATURE(400, "bad_signature"),
  CSR_WEAK_KEY(400, "weak_key"),
  CSR_UNSUPPORTED_KEY(400, "unsupported_key"),

  BODY_TOO_LARGE(413, "body_too_large"),
  OVERLOADED(429, "overloaded", 1),
  RATE_LIMITED(429, "rate_limited", 1),
  INTERNAL_ERROR(500, "internal_error"),
  CA_UNAVAILABLE(503, "ca_unavailable", 10),
  KUBE_API_UNAVAILABLE(503, "kube_api_unavailable", 5);

  private final int status;
  private final String label;
  private final int retryAfterSeconds;

  SigningOutcome(int status, String label) {
    this(status, label, 0);
  }

  SigningOutcome(int status, String label, int retryAfterSeconds) {
    this.status = status;
    this.label = label;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  /** The metric label and the {@code error} field. */
  public String label() {
    return label;
  }

  /** The {@code Retry-After} to send, or 0 for none: only for refusals worth retrying as is. */
  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The outcome of a CSR that {@code CsrVerifier} refused; exhaustive, so a new reason must be mapped. */
  public static SigningOutcome of(CsrRejectedException.Reason reason) {
    return switch (reason) {
      case MALFORMED -> CSR_MALFORMED;
      case TOO_LARGE -> CSR_TOO_LARGE;
      case BAD_SIGNATURE -> CSR_BAD_SIGNATURE;
      case WEAK_KEY -> CSR_WEAK_KEY;
      case UNSUPPORTED_KEY -> CSR_UNSUPPORTED_KEY;
    };
  }
}
