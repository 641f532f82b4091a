package dev.palisade.common.policy;

import dev.palisade.common.revocation.Revocations;

/**
 * Everything a sidecar needs to enforce policy, as the operator sends it (and as a static file
 * holds it before the config service exists).
 *
 * @param version changes whenever anything in it changes; sidecars long-poll with it
 * @param revocations certificates and identities every peer check refuses
 */
public record SidecarConfig(String version, InboundPolicy inbound, OutboundPolicy outbound,
    Revocations revocations) {

  public SidecarConfig {
    revocations = revocations == null ? Revocations.NONE : revocations;
  }

  /** Nothing revoked: a static configuration, or a test's. */
  public SidecarConfig(String version, InboundPolicy inbound, OutboundPolicy outbound) {
    this(version, inbound, outbound, Revocations.NONE);
  }

  public static SidecarConfig defaults() {
    return new SidecarConfig("default", InboundPolicy.strictDefault(), OutboundPolicy.passthrough());
  }
}
