package dev.palisade.common.policy;

import dev.palisade.common.spiffe.SpiffeId;
import java.util.Map;
import java.util.Optional;

/**
 * Which destinations are in the mesh (originate mTLS, and expect this identity) and what to do
 * with the rest.
 *
 * @param meshed destination {@code ip:port} (or {@code ip:*} for every port) to the identity its
 *     server must present
 * @param requireMtls refuse connections to destinations outside the mesh instead of passing them
 *     through in plaintext
 */
public record OutboundPolicy(Map<String, SpiffeId> meshed, boolean requireMtls) {

  public OutboundPolicy {
    meshed = Map.copyOf(meshed);
  }

  public static OutboundPolicy passthrough() {
    return new OutboundPolicy(Map.of(), false);
  }

  /** The identity the server at {@code ip:port} must present, if it is in the mesh. */
  public Optional<SpiffeId> expectedIdentity(String ip, int port) {
    SpiffeId exact = meshed.get(ip + ":" + port);
    return Optional.ofNullable(exact != null ? exact : meshed.get(ip + ":*"));
  }
}
