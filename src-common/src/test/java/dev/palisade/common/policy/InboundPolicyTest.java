package dev.palisade.common.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.common.spiffe.SpiffeId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Authorization as a table: policies in the workload, a peer and a port, the decision. */
class InboundPolicyTest {

  private static final String FRONTEND = "spiffe://cluster.local/ns/shop/sa/frontend";
  private static final String CART = "spiffe://cluster.local/ns/shop/sa/cart";
  private static final String PROMETHEUS = "spiffe://cluster.local/ns/monitoring/sa/prometheus";
  private static final String OTHER_TD = "spiffe://partner.example/ns/shop/sa/frontend";

  private static final Map<String, AccessRule> POLICIES = Map.of(
      "allow-frontend", rule("allow-frontend", PolicyAction.ALLOW,
          match(List.of(FRONTEND), Set.of(), Set.of(), Set.of(8080))),
      "allow-monitoring", rule("allow-monitoring", PolicyAction.ALLOW,
          match(List.of(), Set.of("monitoring"), Set.of(), Set.of(9090))),
      "allow-shop-wildcard", rule("allow-shop-wildcard", PolicyAction.ALLOW,
          match(List.of("spiffe://cluster.local/ns/shop/*"), Set.of(), Set.of(), Set.of())),
      "deny-cart", rule("deny-cart", PolicyAction.DENY,
          match(List.of(), Set.of(), Set.of("shop/cart"), Set.of())),
      "deny-port-22", rule("deny-port-22", PolicyAction.DENY,
          match(List.of(), Set.of(), Set.of(), Set.of(22))),
      "audit-everyone", rule("audit-everyone", PolicyAction.AUDIT,
          match(List.of("*"), Set.of(), Set.of(), Set.of())));

  @ParameterizedTest(name = "{0} | {1} -> :{2} = {3} by {4}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // policies                                 | peer       | port | decision | decided by
      "-                                          | FRONTEND   | 8080 | allow    | -",
      "-                                          | ANONYMOUS  | 8080 | allow    | -",
      "allow-frontend                             | FRONTEND   | 8080 | allow    | allow-frontend",
      "allow-frontend                             | FRONTEND   | 9090 | deny     | -",
      "allow-frontend                             | CART       | 8080 | deny     | -",
      "allow-frontend                             | ANONYMOUS  | 8080 | deny     | -",
      "allow-frontend                             | OTHER_TD   | 8080 | deny     | -",
      "allow-frontend,allow-monitoring            | PROMETHEUS | 9090 | allow    | allow-monitoring",
      "allow-frontend,allow-monitoring            | PROMETHEUS | 8080 | deny     | -",
      "allow-shop-wildcard                        | CART       | 1234 | allow    | allow-shop-wildcard",
      "allow-shop-wildcard                        | PROMETHEUS | 1234 | deny     | -",
      "allow-shop-wildcard,deny-cart              | CART       | 8080 | deny     | deny-cart",
      "allow-shop-wildcard,deny-cart              | FRONTEND   | 8080 | allow    | allow-shop-wildcard",
      "deny-cart                                  | FRONTEND   | 8080 | allow    | -",
      "deny-cart                                  | ANONYMOUS  | 8080 | allow    | -",
      "deny-port-22                               | ANONYMOUS  | 22   | deny     | deny-port-22",
      "deny-port-22,allow-shop-wildcard           | FRONTEND   | 22   | deny     | deny-port-22",
      "audit-everyone                             | CART       | 8080 | audit    | -",
      "audit-everyone                             | ANONYMOUS  | 8080 | allow    | -",
      "audit-everyone,deny-cart                   | CART       | 8080 | deny     | deny-cart",
      "audit-everyone,allow-frontend              | FRONTEND   | 8080 | audit    | allow-frontend",
  })
  void decides(String policies, String peer, int port, String decision, String decidedBy) {
    List<AccessRule> rules = policies == null ? List.of()
        : List.of(policies.split(",")).stream().map(POLICIES::get).toList();
    Authorization result = new InboundPolicy(MtlsMode.STRICT, Map.of(), rules)
        .authorize(peer(peer), port);
    assertThat(result.decision()).isEqualTo(decision);
    assertThat(result.decidedBy()).isEqualTo(decidedBy);
  }

  @Test
  void portModesOverrideTheDefault() {
    InboundPolicy policy = new InboundPolicy(MtlsMode.STRICT, Map.of(9090, MtlsMode.PERMISSIVE),
        List.of());
    assertThat(policy.modeFor(8080)).isEqualTo(MtlsMode.STRICT);
    assertThat(policy.modeFor(9090)).isEqualTo(MtlsMode.PERMISSIVE);
  }

  @Test
  void wildcardsOnlyEndAPatternAsAWholeSegment() {
    assertThatThrownBy(() -> new IdentityPattern("spiffe://td/ns/*/sa/x"))
        .hasMessageContaining("may only end");
    assertThatThrownBy(() -> new IdentityPattern("cluster.local/ns/a"))
        .hasMessageContaining("SPIFFE IDs");
    // A partial segment would reach team-a-evil: refused, not matched as a string prefix.
    assertThatThrownBy(() -> new IdentityPattern("spiffe://td/ns/team-a*"))
        .hasMessageContaining("whole path segment");
    assertThatThrownBy(() -> new IdentityPattern("spiffe://td/ns/shop/sa/web-*"))
        .hasMessageContaining("whole path segment");
    assertThatThrownBy(() -> new IdentityPattern("spiffe://*"))
        .hasMessageContaining("identity pattern");
    IdentityPattern teamA = new IdentityPattern("spiffe://td/ns/team-a/*");
    assertThat(teamA.matches(SpiffeId.parse("spiffe://td/ns/team-a/sa/web"))).isTrue();
    assertThat(teamA.matches(SpiffeId.parse("spiffe://td/ns/team-a-evil/sa/web"))).isFalse();
    assertThat(new IdentityPattern("spiffe://td/*")
        .matches(SpiffeId.parse("spiffe://td/ns/shop/sa/api"))).isTrue();
    assertThat(new IdentityPattern("spiffe://td/*")
        .matches(SpiffeId.parse("spiffe://td-evil/ns/shop/sa/api"))).isFalse();
  }

  private static Optional<SpiffeId> peer(String name) {
    return switch (name) {
      case "FRONTEND" -> Optional.of(SpiffeId.parse(FRONTEND));
      case "CART" -> Optional.of(SpiffeId.parse(CART));
      case "PROMETHEUS" -> Optional.of(SpiffeId.parse(PROMETHEUS));
      case "OTHER_TD" -> Optional.of(SpiffeId.parse(OTHER_TD));
      case "ANONYMOUS" -> Optional.empty();
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static AccessRule rule(String name, PolicyAction action, PeerMatch match) {
    return new AccessRule(name, action, List.of(match));
  }

  private static PeerMatch match(List<String> identities, Set<String> namespaces,
      Set<String> serviceAccounts, Set<Integer> ports) {
    return new PeerMatch(identities.stream().map(IdentityPattern::new).toList(), namespaces,
        serviceAccounts, ports);
  }
}
