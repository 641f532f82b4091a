package dev.palisade.common.config;

import dev.palisade.common.policy.IdentityPattern;
import dev.palisade.common.policy.PeerMatch;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * {@link PeerMatch} on the wire. Absent or empty lists are unset fields; sets are sent sorted,
 * so equal matches serialize identically.
 *
 * @param identities SPIFFE IDs, {@code *}-suffix patterns, or {@code *}
 * @param serviceAccounts {@code namespace/name}, always qualified
 */
public record MatchDocument(List<String> identities, List<String> namespaces,
    List<String> serviceAccounts, List<Integer> ports) {

  public MatchDocument {
    identities = copy(identities);
    namespaces = copy(namespaces);
    serviceAccounts = copy(serviceAccounts);
    ports = copy(ports);
    for (int i = 0; i < identities.size(); i++) {
      String field = "identities[" + i + "]";
      String pattern = identities.get(i);
      Fields.check(field, () -> new IdentityPattern(Fields.required(field, pattern)));
    }
    for (int i = 0; i < ports.size(); i++) {
      Fields.port("ports[" + i + "]", ports.get(i));
    }
  }

  public static MatchDocument of(PeerMatch match) {
    return new MatchDocument(match.identities().stream().map(IdentityPattern::pattern).toList(),
        sorted(match.namespaces()), sorted(match.serviceAccounts()), sorted(match.ports()));
  }

  /**
   * The model's match.
   *
   * @throws IllegalArgumentException when an identity is not a valid pattern
   */
  public PeerMatch toMatch() {
    return new PeerMatch(identities.stream().map(IdentityPattern::new).toList(),
        Set.copyOf(namespaces), Set.copyOf(serviceAccounts), Set.copyOf(ports));
  }

  private static <T> List<T> copy(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }

  private static <T extends Comparable<T>> List<T> sorted(Collection<T> values) {
    return values.stream().sorted().toList();
  }
}
