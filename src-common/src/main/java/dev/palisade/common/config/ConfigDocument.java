package dev.palisade.common.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.revocation.Revocations;

/**
 * The body of {@code GET /v1/config}: one workload's effective configuration.
 *
 * @param version opaque; equal versions mean equal documents. Send it back to long-poll.
 * @param spiffeId the workload's identity, the one its certificate carries
 * @param inbound what to enforce on inbound connections
 * @param outbound how to treat outbound connections
 * @param trustBundle PEM roots to verify peers with (more than one during a root rotation)
 * @param pollTimeoutSeconds how long the server holds a long-poll before answering 304
 * @param revocations certificates and identities to refuse; absent when there are none
 */
public record ConfigDocument(String version, String spiffeId, InboundDocument inbound,
    OutboundDocument outbound, String trustBundle, int pollTimeoutSeconds,
    @JsonInclude(JsonInclude.Include.NON_NULL) RevocationsDocument revocations) {

  public ConfigDocument {
    // Found by ConfigDocumentFuzzTest: without these a proxy failed on a null, not on a message.
    Fields.required("inbound", inbound);
    Fields.required("outbound", outbound);
  }

  /** Nothing revoked. */
  public ConfigDocument(String version, String spiffeId, InboundDocument inbound,
      OutboundDocument outbound, String trustBundle, int pollTimeoutSeconds) {
    this(version, spiffeId, inbound, outbound, trustBundle, pollTimeoutSeconds, null);
  }

  /** The policy model the sidecar enforces. */
  public SidecarConfig toSidecarConfig() {
    return new SidecarConfig(version, inbound.toPolicy(), outbound.toPolicy(),
        revocations == null ? Revocations.NONE : revocations.toRevocations());
  }

  /** This document with another version (the operator hashes it without one first). */
  public ConfigDocument withVersion(String newVersion) {
    return new ConfigDocument(newVersion, spiffeId, inbound, outbound, trustBundle,
        pollTimeoutSeconds, revocations);
  }
}
