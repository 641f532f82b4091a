package dev.palisade.common.policy;

/**
 * Everything a sidecar needs to enforce policy, as the operator sends it (and as a static file
 * holds it before the config service exists).
 *
 * @param version changes whenever anything in it changes; sidecars long-poll with it
 */
public record SidecarConfig(String version, InboundPolicy inbound, OutboundPolicy outbound) {

  public static SidecarConfig defaults() {
    return new SidecarConfig("default", InboundPolicy.strictDefault(), OutboundPolicy.passthrough());
  }
}
