package dev.palisade.operator.config;

/**
 * How a config or destination request ended: the closed set of {@code result} label values of
 * {@code palisade_config_requests_total}, the {@code error} of a refusal's JSON body, and its
 * HTTP status. docs/config-service.md lists them; add one there when adding one here.
 */
public enum ConfigOutcome {
  OK(200, "ok"),
  /** The long-poll timed out with the version unchanged. */
  NOT_MODIFIED(304, "not_modified"),

  BAD_REQUEST(400, "bad_request"),
  NO_CLIENT_CERTIFICATE(401, "no_client_certificate"),
  NOT_A_WORKLOAD(403, "not_a_workload"),
  WRONG_TRUST_DOMAIN(403, "wrong_trust_domain"),
  POD_NOT_FOUND(403, "pod_not_found"),
  POD_NOT_INJECTED(403, "pod_not_injected"),
  SERVICE_ACCOUNT_MISMATCH(403, "service_account_mismatch"),
  /** The client certificate is revoked: its proxy renews (docs/incident-response.md). */
  REVOKED(403, "revoked"),
  /** The client certificate's identity is suspended by an IdentitySuspension. */
  IDENTITY_SUSPENDED(403, "identity_suspended"),
  OVERLOADED(429, "overloaded", 5),
  /** The caller's identity or address holds its share of long-polls already. */
  TOO_MANY_POLLS(429, "too_many_polls", 5),
  INTERNAL_ERROR(500, "internal_error"),
  NOT_READY(503, "not_ready", 1),
  CA_UNAVAILABLE(503, "ca_unavailable", 10);

  private final int status;
  private final String label;
  private final int retryAfterSeconds;

  ConfigOutcome(int status, String label) {
    this(status, label, 0);
  }

  ConfigOutcome(int status, String label, int retryAfterSeconds) {
    this.status = status;
    this.label = label;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public String label() {
    return label;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
