package dev.palisade.common.config;

import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.spiffe.SpiffeId;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@link OutboundPolicy} on the wire, plus where to look up destinations it does not list.
 *
 * @param meshed static destinations ({@code ip:port} or {@code ip:*}) to the identity their server
 *     must present; the operator sends none and answers lookups instead
 * @param requireMtls refuse destinations outside the mesh instead of passing them through
 * @param destinations the path to look up any other destination on ({@code /v1/destinations} on
 *     the same server), or null when there is nothing to look up
 */
public record OutboundDocument(Map<String, String> meshed, boolean requireMtls,
    String destinations) {

  public OutboundDocument {
    meshed = meshed == null ? Map.of() : Map.copyOf(meshed);
    meshed.forEach((destination, identity) -> {
      String field = "meshed." + destination;
      Fields.destination(field, destination);
      Fields.check(field, () -> SpiffeId.parse(Fields.required(field, identity)));
    });
  }

  public static OutboundDocument of(OutboundPolicy policy, String destinations) {
    return new OutboundDocument(policy.meshed().entrySet().stream().collect(Collectors.toMap(
        Map.Entry::getKey, e -> e.getValue().toString(), (a, b) -> a, TreeMap::new)),
        policy.requireMtls(), destinations);
  }

  /** @throws IllegalArgumentException when an identity is not a SPIFFE ID */
  public OutboundPolicy toPolicy() {
    return new OutboundPolicy(meshed.entrySet().stream().collect(Collectors.toMap(
        Map.Entry::getKey, e -> SpiffeId.parse(e.getValue()))), requireMtls);
  }
}
