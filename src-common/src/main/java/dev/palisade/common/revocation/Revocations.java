package dev.palisade.common.revocation;

import dev.palisade.common.spiffe.SpiffeId;
import java.math.BigInteger;
import java.util.Set;

/**
 * What a mesh administrator has taken away, in force now: certificates revoked by serial number
 * (a leaked key) and identities suspended (a compromised workload, whatever certificate it
 * holds). Every proxy of the trust domain refuses peers they name and closes connections
 * established with them; docs/incident-response.md.
 *
 * @param serials revoked certificates of the trust domain
 * @param identities suspended SPIFFE IDs
 */
public record Revocations(Set<BigInteger> serials, Set<SpiffeId> identities) {

  public static final Revocations NONE = new Revocations(Set.of(), Set.of());

  public Revocations {
    serials = Set.copyOf(serials);
    identities = Set.copyOf(identities);
  }

  public boolean revokes(BigInteger serial) {
    return serials.contains(serial);
  }

  public boolean suspends(SpiffeId identity) {
    return identities.contains(identity);
  }

  public boolean isEmpty() {
    return serials.isEmpty() && identities.isEmpty();
  }
}
