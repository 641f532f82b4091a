package dev.palisade.operator.policy;

import static dev.palisade.common.policy.MtlsMode.DISABLE;
import static dev.palisade.common.policy.MtlsMode.PERMISSIVE;
import static dev.palisade.common.policy.MtlsMode.STRICT;
import static dev.palisade.operator.policy.TestPolicies.OPERATOR_NS;
import static dev.palisade.operator.policy.TestPolicies.access;
import static dev.palisade.operator.policy.TestPolicies.expression;
import static dev.palisade.operator.policy.TestPolicies.labels;
import static dev.palisade.operator.policy.TestPolicies.mesh;
import static dev.palisade.operator.policy.TestPolicies.rule;
import static dev.palisade.operator.policy.TestPolicies.workload;
import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.api.v1alpha1.MeshPolicy;
import dev.palisade.api.v1alpha1.MeshPolicySpec;
import dev.palisade.api.v1alpha1.WorkloadSelector.Operator;
import dev.palisade.common.policy.Authorization;
import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.PolicyAction;
import dev.palisade.common.spiffe.SpiffeId;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The precedence rules of docs/policy.md as tables: which policies exist, which workload and
 * port, and what the compiled config says. Policy names carry their level: {@code mesh-*} in the
 * operator's namespace without selector, {@code ns-*} in namespace shop without selector,
 * {@code wl-*} in shop with a selector. The minute each was created decides conflicts.
 */
class PolicyCompilerTest {

  private static final Map<String, MeshPolicy> MESH_POLICIES = Map.ofEntries(
      entry(mesh(OPERATOR_NS, "mesh-permissive", 10, null, PERMISSIVE)),
      entry(mesh(OPERATOR_NS, "mesh-strict-9090-disable", 20, null, STRICT, 9090, DISABLE)),
      entry(mesh(OPERATOR_NS, "sys-wl-web-disable", 5, labels("app", "web"), DISABLE)),
      entry(mesh("shop", "ns-strict", 30, null, STRICT)),
      entry(mesh("shop", "ns-9090-permissive", 40, null, null, 9090, PERMISSIVE)),
      entry(mesh("shop", "wl-web-disable", 50, labels("app", "web"), DISABLE)),
      entry(mesh("shop", "wl-web-8080-strict", 60, labels("app", "web"), null, 8080, STRICT)),
      entry(mesh("shop", "wl-front-permissive", 1, labels("tier", "front"), PERMISSIVE)),
      entry(mesh("shop", "wl-web-8080-permissive", 70, labels("app", "web"), null,
          8080, PERMISSIVE)),
      entry(mesh("shop", "wl-invalid-selector", 0, expression("app", Operator.In), DISABLE)),
      entry(mesh("other", "ns-other-disable", 0, null, DISABLE)));

  /** Workloads: web (app=web, tier=front), db (app=db) in shop; sys in the operator's namespace. */
  private static final Map<String, Workload> WORKLOADS = Map.of(
      "web", workload("shop", "web-0", "web", "app", "web", "tier", "front"),
      "db", workload("shop", "db-0", "db", "app", "db"),
      "sys", workload(OPERATOR_NS, "sys-0", "sys", "app", "web"),
      "other", workload("other", "other-0", "default", "app", "web"));

  @ParameterizedTest(name = "{0} | {1}:{2} -> {3}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // MeshPolicies                               | workload | port | mode
      // nothing configured: the built-in STRICT
      "-                                            | web      | 8080 | STRICT",
      // the mesh-wide policy reaches every namespace, the operator's too
      "mesh-permissive                              | web      | 8080 | PERMISSIVE",
      "mesh-permissive                              | sys      | 8080 | PERMISSIVE",
      // namespace over mesh, and only in its namespace
      "mesh-permissive,ns-strict                    | web      | 8080 | STRICT",
      "mesh-permissive,ns-strict                    | other    | 8080 | PERMISSIVE",
      "ns-other-disable,ns-strict                   | web      | 8080 | STRICT",
      // workload over namespace, only for what the selector selects
      "ns-strict,wl-web-disable                     | web      | 8080 | DISABLE",
      "ns-strict,wl-web-disable                     | db       | 8080 | STRICT",
      // port over workload: a port entry beats its own policy's mode...
      "mesh-strict-9090-disable                     | web      | 9090 | DISABLE",
      "ns-strict,wl-web-8080-permissive             | web      | 8080 | PERMISSIVE",
      // ...and a policy with ports only defers its other ports to the next level
      "ns-strict,wl-web-8080-permissive             | web      | 9090 | STRICT",
      "ns-9090-permissive                           | web      | 9090 | PERMISSIVE",
      "ns-9090-permissive                           | web      | 8080 | STRICT",
      "mesh-strict-9090-disable                     | web      | 9090 | DISABLE",
      "mesh-strict-9090-disable,ns-9090-permissive  | web      | 9090 | PERMISSIVE",
      "mesh-strict-9090-disable,ns-9090-permissive  | web      | 8080 | STRICT",
      "mesh-permissive,wl-web-8080-strict           | web      | 8080 | STRICT",
      "mesh-permissive,wl-web-8080-strict           | web      | 9090 | PERMISSIVE",
      // a more specific level's mode beats a less specific level's port entry
      "ns-9090-permissive,wl-web-disable            | web      | 9090 | DISABLE",
      "mesh-strict-9090-disable,wl-front-permissive | web      | 9090 | PERMISSIVE",
      "mesh-strict-9090-disable,ns-strict           | web      | 9090 | STRICT",
      // conflicts at one level: the oldest policy wins whole; none of the newer one leaks in
      "mesh-permissive,mesh-strict-9090-disable     | web      | 8080 | PERMISSIVE",
      "mesh-permissive,mesh-strict-9090-disable     | web      | 9090 | PERMISSIVE",
      "ns-strict,ns-9090-permissive                 | web      | 9090 | STRICT",
      "wl-web-disable,wl-web-8080-strict            | web      | 8080 | DISABLE",
      "wl-front-permissive,wl-web-disable           | web      | 8080 | PERMISSIVE",
      "wl-front-permissive,wl-web-disable           | db       | 8080 | STRICT",
      // a selector in the operator's namespace selects only there: workload level, not mesh
      "sys-wl-web-disable                           | web      | 8080 | STRICT",
      "sys-wl-web-disable                           | sys      | 8080 | DISABLE",
      "sys-wl-web-disable,mesh-permissive           | sys      | 443  | DISABLE",
      // a selector that cannot be evaluated applies to nothing (its status says so)
      "wl-invalid-selector                          | web      | 8080 | STRICT",
  })
  void mtlsMode(String policies, String workload, int port, MtlsMode expected) {
    InboundPolicy inbound = PolicyCompiler.inbound(snapshot(meshPolicies(policies), List.of()),
        WORKLOADS.get(workload));
    assertThat(inbound.modeFor(port)).isEqualTo(expected);
    // the explanation resolves by the same rule
    assertThat(PolicyCompiler.modeSource(snapshot(meshPolicies(policies), List.of()),
        WORKLOADS.get(workload), port).mode()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} | {1}:{2} -> {3} by {4} ({5}, port entry {6})")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // MeshPolicies                               | workload | port | mode       | decided by           | level     | port entry
      "-                                            | web      | 8080 | STRICT     | -                    | -         | false",
      "mesh-permissive,wl-web-8080-strict           | web      | 8080 | STRICT     | wl-web-8080-strict   | WORKLOAD  | true",
      "mesh-permissive,wl-web-8080-strict           | web      | 9090 | PERMISSIVE | mesh-permissive      | MESH      | false",
      "mesh-strict-9090-disable,ns-9090-permissive  | web      | 9090 | PERMISSIVE | ns-9090-permissive   | NAMESPACE | true",
      "mesh-strict-9090-disable,ns-9090-permissive  | web      | 8080 | STRICT     | mesh-strict-9090-disable | MESH  | false",
      "wl-web-disable,wl-web-8080-strict            | web      | 8080 | DISABLE    | wl-web-disable       | WORKLOAD  | false",
  })
  void modeSourceNamesThePolicyInEffect(String policies, String workload, int port,
      MtlsMode mode, String decidedBy, MeshLevel level, boolean portEntry) {
    PolicyCompiler.ModeSource source = PolicyCompiler.modeSource(
        snapshot(meshPolicies(policies), List.of()), WORKLOADS.get(workload), port);
    assertThat(source.mode()).isEqualTo(mode);
    assertThat(source.policy() == null ? null : source.policy().getMetadata().getName())
        .isEqualTo(decidedBy);
    assertThat(source.level()).isEqualTo(level);
    assertThat(source.portEntry()).isEqualTo(portEntry);
  }

  private static final String FRONTEND = "spiffe://cluster.local/ns/shop/sa/frontend";

  private static final Map<String, AccessPolicy> ACCESS_POLICIES = Map.ofEntries(
      entry(access("shop", "allow-frontend", labels("app", "web"), PolicyAction.ALLOW,
          rule(List.of(FRONTEND), List.of(), List.of(), List.of()))),
      entry(access("shop", "deny-frontend-8080", labels("app", "web"), PolicyAction.DENY,
          rule(List.of(FRONTEND), List.of(), List.of(), List.of(8080)))),
      entry(access("shop", "allow-sa-frontend", null, PolicyAction.ALLOW,
          rule(List.of(), List.of(), List.of("frontend"), List.of()))),
      entry(access("shop", "deny-untrusted", null, PolicyAction.DENY,
          rule(List.of(), List.of("untrusted"), List.of(), List.of()))),
      entry(access("shop", "allow-shop-or-monitoring-9090", null, PolicyAction.ALLOW,
          rule(List.of("spiffe://cluster.local/ns/shop/*"), List.of(), List.of(), List.of()),
          rule(List.of(), List.of("monitoring"), List.of(), List.of(9090)))),
      entry(access("shop", "audit-everyone", null, PolicyAction.AUDIT,
          rule(List.of("*"), List.of(), List.of(), List.of()))),
      entry(access("other", "deny-everyone", null, PolicyAction.DENY,
          rule(List.of("*"), List.of(), List.of(), List.of()))),
      entry(access("shop", "deny-guest-bad-selector", expression("app", Operator.In),
          PolicyAction.DENY, rule(List.of(), List.of("guest"), List.of(), List.of()))),
      entry(access("shop", "allow-frontend-bad-selector", expression("app", Operator.NotIn),
          PolicyAction.ALLOW, rule(List.of(FRONTEND), List.of(), List.of(), List.of()))));

  @ParameterizedTest(name = "{0} | {2} -> {1}:{3} = {4} by {5}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // AccessPolicies                              | workload | peer        | port | decision | decided by
      // no policy: every authenticated or (where the mode allows) plaintext peer
      "-                                             | web      | CART        | 8080 | allow    | -",
      // an ALLOW makes the workloads it selects allow-only; others are unaffected
      "allow-frontend                                | web      | FRONTEND    | 8080 | allow    | shop/allow-frontend",
      "allow-frontend                                | web      | CART        | 8080 | deny     | -",
      "allow-frontend                                | web      | ANONYMOUS   | 8080 | deny     | -",
      "allow-frontend                                | db       | CART        | 8080 | allow    | -",
      // DENY before ALLOW, per port
      "allow-frontend,deny-frontend-8080             | web      | FRONTEND    | 8080 | deny     | shop/deny-frontend-8080",
      "allow-frontend,deny-frontend-8080             | web      | FRONTEND    | 9090 | allow    | shop/allow-frontend",
      "allow-shop-or-monitoring-9090,deny-untrusted  | db       | UNTRUSTED   | 8080 | deny     | shop/deny-untrusted",
      // ALLOWs add up: any one admits
      "allow-frontend,allow-shop-or-monitoring-9090  | web      | CART        | 8080 | allow    | shop/allow-shop-or-monitoring-9090",
      "allow-shop-or-monitoring-9090                 | db       | PROMETHEUS  | 9090 | allow    | shop/allow-shop-or-monitoring-9090",
      "allow-shop-or-monitoring-9090                 | db       | PROMETHEUS  | 8080 | deny     | -",
      // a bare service account is the policy's namespace's
      "allow-sa-frontend                             | db       | FRONTEND    | 1234 | allow    | shop/allow-sa-frontend",
      "allow-sa-frontend                             | db       | OTHER_FRONT | 1234 | deny     | -",
      // identity rules never match plaintext peers
      "deny-untrusted                                | web      | ANONYMOUS   | 8080 | allow    | -",
      // AUDIT records and changes nothing
      "audit-everyone                                | web      | CART        | 8080 | audit    | -",
      "audit-everyone,allow-frontend                 | web      | CART        | 8080 | deny     | -",
      // policies of other namespaces do not apply
      "deny-everyone                                 | web      | CART        | 8080 | allow    | -",
      // a selector that cannot be evaluated selects the whole namespace (fail closed)
      "deny-guest-bad-selector                       | db       | GUEST       | 8080 | deny     | shop/deny-guest-bad-selector",
      "allow-frontend-bad-selector                   | db       | CART        | 8080 | deny     | -",
      "allow-frontend-bad-selector                   | db       | FRONTEND    | 8080 | allow    | shop/allow-frontend-bad-selector",
  })
  void authorization(String policies, String workload, String peer, int port, String decision,
      String decidedBy) {
    InboundPolicy inbound = PolicyCompiler.inbound(snapshot(List.of(), accessPolicies(policies)),
        WORKLOADS.get(workload));
    Authorization result = inbound.authorize(peer(peer), port);
    assertThat(result.decision()).isEqualTo(decision);
    assertThat(result.decidedBy()).isEqualTo(decidedBy);
  }

  @Test
  void onlyPortsDifferingFromTheDefaultAreListed() {
    InboundPolicy inbound = PolicyCompiler.inbound(snapshot(meshPolicies(
        "mesh-strict-9090-disable,ns-9090-permissive,wl-web-8080-strict"), List.of()),
        WORKLOADS.get("web"));
    assertThat(inbound.defaultMode()).isEqualTo(STRICT);
    assertThat(inbound.portModes()).isEqualTo(Map.of(9090, PERMISSIVE));
  }

  @Test
  void theSameInputsCompileToEqualPoliciesWhateverTheListingOrder() {
    List<MeshPolicy> mesh = meshPolicies("mesh-permissive,ns-strict,wl-web-disable,wl-front-permissive");
    List<AccessPolicy> access = accessPolicies("allow-frontend,deny-untrusted,audit-everyone");
    InboundPolicy one = PolicyCompiler.inbound(snapshot(mesh, access), WORKLOADS.get("web"));
    InboundPolicy two = PolicyCompiler.inbound(snapshot(mesh.reversed(), access.reversed()),
        WORKLOADS.get("web"));
    assertThat(two).isEqualTo(one);
    assertThat(one.rules()).extracting(r -> r.policy())
        .containsExactly("shop/allow-frontend", "shop/audit-everyone", "shop/deny-untrusted");
  }

  @Test
  void resolutionNamesTheOverriddenPolicyAndItsWinner() {
    MeshResolution resolution = PolicyCompiler.resolveMesh(snapshot(meshPolicies(
        "wl-web-disable,wl-web-8080-strict,wl-front-permissive,ns-strict,mesh-permissive"),
        List.of()), WORKLOADS.get("web"));
    assertThat(resolution.winner(MeshLevel.WORKLOAD)).map(PolicySnapshot::key)
        .contains("shop/wl-front-permissive");
    assertThat(resolution.overridden()).extracting(o -> PolicySnapshot.key(o.loser()),
            o -> PolicySnapshot.key(o.winner()), MeshResolution.Overridden::level)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("shop/wl-web-disable", "shop/wl-front-permissive",
                MeshLevel.WORKLOAD),
            org.assertj.core.groups.Tuple.tuple("shop/wl-web-8080-strict",
                "shop/wl-front-permissive", MeshLevel.WORKLOAD));
  }

  @Test
  void drainOnPolicyChangeComesFromTheMostSpecificLevelThatSaysIt() {
    MeshPolicy meshDrain = established(mesh(OPERATOR_NS, "mesh-drain", 1, null, STRICT),
        MeshPolicySpec.OnPolicyChange.Drain, "5m");
    MeshPolicy nsClose = established(mesh("shop", "ns-close", 2, null, STRICT),
        MeshPolicySpec.OnPolicyChange.Close, null);
    MeshPolicy webDrain = established(mesh("shop", "wl-web-drain", 3, labels("app", "web"),
        STRICT), MeshPolicySpec.OnPolicyChange.Drain, null);

    assertThat(drain(List.of(), "web")).isZero();
    assertThat(drain(List.of(meshDrain), "web")).isEqualTo(Duration.ofMinutes(5));
    assertThat(drain(List.of(meshDrain, nsClose), "web")).isZero();
    assertThat(drain(List.of(meshDrain, nsClose), "other")).isEqualTo(Duration.ofMinutes(5));
    assertThat(drain(List.of(meshDrain, nsClose, webDrain), "web"))
        .isEqualTo(PolicyCompiler.DEFAULT_DRAIN);
    assertThat(drain(List.of(meshDrain, nsClose, webDrain), "db")).isZero();
  }

  private static Duration drain(List<MeshPolicy> policies, String workload) {
    return PolicyCompiler.inbound(snapshot(policies, List.of()), WORKLOADS.get(workload))
        .drainOnPolicyChange();
  }

  private static MeshPolicy established(MeshPolicy policy, MeshPolicySpec.OnPolicyChange action,
      String period) {
    policy.getSpec().establishedConnections = new MeshPolicySpec.EstablishedConnections();
    policy.getSpec().establishedConnections.onPolicyChange = action;
    policy.getSpec().establishedConnections.drainPeriod = period;
    return policy;
  }

  private static PolicySnapshot snapshot(List<MeshPolicy> mesh, List<AccessPolicy> access) {
    return new PolicySnapshot(OPERATOR_NS, mesh, access);
  }

  private static List<MeshPolicy> meshPolicies(String names) {
    return names == null ? List.of()
        : Arrays.stream(names.split(",")).map(n -> require(MESH_POLICIES, n.strip())).toList();
  }

  private static List<AccessPolicy> accessPolicies(String names) {
    return names == null ? List.of()
        : Arrays.stream(names.split(",")).map(n -> require(ACCESS_POLICIES, n.strip())).toList();
  }

  private static <T> T require(Map<String, T> catalogue, String name) {
    T found = catalogue.get(name);
    if (found == null) {
      throw new IllegalArgumentException("no policy " + name + " in the catalogue");
    }
    return found;
  }

  private static Optional<SpiffeId> peer(String name) {
    String id = switch (name) {
      case "FRONTEND" -> FRONTEND;
      case "CART" -> "spiffe://cluster.local/ns/shop/sa/cart";
      case "UNTRUSTED" -> "spiffe://cluster.local/ns/untrusted/sa/default";
      case "GUEST" -> "spiffe://cluster.local/ns/guest/sa/default";
      case "PROMETHEUS" -> "spiffe://cluster.local/ns/monitoring/sa/prometheus";
      case "OTHER_FRONT" -> "spiffe://cluster.local/ns/other/sa/frontend";
      case "ANONYMOUS" -> null;
      default -> throw new IllegalArgumentException(name);
    };
    return Optional.ofNullable(id).map(SpiffeId::parse);
  }

  private static <P extends io.fabric8.kubernetes.api.model.HasMetadata> Map.Entry<String, P> entry(
      P policy) {
    return Map.entry(policy.getMetadata().getName(), policy);
  }
}
