package dev.palisade.common.config;

import dev.palisade.common.spiffe.SpiffeId;
import java.util.List;
import java.util.Objects;

/**
 * The body of {@code GET /v1/destinations?ip=&port=}: whether a destination is in the mesh and,
 * if so, which identities its server may present.
 *
 * @param meshed originate mTLS to it (true), or treat it as outside the mesh (false)
 * @param identities when meshed, the SPIFFE IDs its server may present (one for a pod; one per
 *     service account behind a Service); empty otherwise
 * @param reason why, from a closed set: {@code meshed}, {@code unknown_address},
 *     {@code not_injected}, {@code mtls_disabled}, {@code partially_meshed},
 *     {@code no_endpoints}, {@code unknown_port}
 * @param maxAgeSeconds how long the answer may be cached
 */
public record DestinationDocument(String ip, int port, boolean meshed, List<String> identities,
    String reason, int maxAgeSeconds) {

  public DestinationDocument {
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(reason, "reason");
    identities = identities == null ? List.of() : List.copyOf(identities);
  }

  /** Whether a server presenting {@code peer} is one this destination may be served by. */
  public boolean accepts(SpiffeId peer) {
    return meshed && identities.contains(peer.toString());
  }
}
