package dev.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.api.v1alpha1.AccessPolicySpec;
import dev.palisade.api.v1alpha1.MeshPolicy;
import dev.palisade.api.v1alpha1.MeshPolicySpec;
import dev.palisade.api.v1alpha1.WorkloadSelector;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.PolicyAction;
import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.operator.policy.PolicySnapshot;
import dev.palisade.operator.policy.Workload;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyExplainerTest {

  private static final Workload WEB = new Workload("shop", "web-0", "web",
      Map.of("app", "web", "palisade.dev/proxy", "injected"), true, true, null, Map.of());
  private static final Optional<SpiffeId> FRONTEND =
      Optional.of(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/frontend"));
  private static final Optional<SpiffeId> CART =
      Optional.of(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/cart"));

  @Test
  void noPolicyAtAll() {
    var e = PolicyExplainer.explain(snapshot(List.of(), List.of()), "shop/frontend-0", FRONTEND,
        WEB, 8080);
    assertThat(e.verdict()).isEqualTo("ALLOW");
    assertThat(e.mtlsMode()).isEqualTo("STRICT");
    assertThat(e.modeDecidedBy()).isNull();
    assertThat(e.decidedBy()).isNull();
    assertThat(PolicyExplainer.text(e)).contains("STRICT (built-in default)");
  }

  @Test
  void strictRefusesAClientWithoutAProxy() {
    var e = PolicyExplainer.explain(snapshot(List.of(), List.of()), "shop/legacy", Optional.empty(),
        WEB, 8080);
    assertThat(e.verdict()).isEqualTo("DENY");
    assertThat(e.reason()).contains("refuses a client without a Palisade certificate");
  }

  @Test
  void namesTheAllowRuleThatMatchesAndThePortEntryThatSetsTheMode() {
    MeshPolicy mesh = mesh("shop", "ns-permissive-8080", MtlsMode.STRICT, 8080, MtlsMode.PERMISSIVE);
    AccessPolicy allow = access("allow-some", PolicyAction.ALLOW,
        rule(List.of("spiffe://cluster.local/ns/other/*"), List.of()),
        rule(List.of(), List.of("frontend")));
    var e = PolicyExplainer.explain(snapshot(List.of(mesh), List.of(allow)), "shop/frontend-0",
        FRONTEND, WEB, 8080);
    assertThat(e.verdict()).isEqualTo("ALLOW");
    assertThat(e.mtlsMode()).isEqualTo("PERMISSIVE");
    assertThat(e.modeDecidedBy()).isEqualTo("shop/ns-permissive-8080");
    assertThat(e.modeLevel()).isEqualTo("namespace-wide");
    assertThat(e.modeByPortEntry()).isTrue();
    assertThat(e.decidedBy()).isEqualTo("shop/allow-some");
    assertThat(e.rule()).isEqualTo(2);

    var cart = PolicyExplainer.explain(snapshot(List.of(mesh), List.of(allow)), "shop/cart-0",
        CART, WEB, 8080);
    assertThat(cart.verdict()).isEqualTo("DENY");
    assertThat(cart.decidedBy()).isNull();
    assertThat(cart.reason()).contains("none of their rules matches");

    var plaintext = PolicyExplainer.explain(snapshot(List.of(mesh), List.of(allow)), "shop/legacy",
        Optional.empty(), WEB, 8080);
    assertThat(plaintext.verdict()).isEqualTo("DENY");
    assertThat(plaintext.reason()).contains("never match one without a verified identity");
  }

  @Test
  void denyWinsAndAuditIsReported() {
    AccessPolicy allow = access("allow-frontend", PolicyAction.ALLOW,
        rule(List.of(), List.of("frontend")));
    AccessPolicy deny = access("deny-frontend", PolicyAction.DENY,
        rule(List.of("spiffe://cluster.local/ns/shop/sa/frontend"), List.of()));
    AccessPolicy audit = access("audit-all", PolicyAction.AUDIT, rule(List.of("*"), List.of()));
    var e = PolicyExplainer.explain(snapshot(List.of(), List.of(allow, deny, audit)),
        "shop/frontend-0", FRONTEND, WEB, 8080);
    assertThat(e.verdict()).isEqualTo("DENY");
    assertThat(e.decidedBy()).isEqualTo("shop/deny-frontend");
    assertThat(e.rule()).isEqualTo(1);
    assertThat(e.audited()).containsExactly("shop/audit-all");
    assertThat(Json.write(e)).contains("\"decidedBy\" : \"shop/deny-frontend\"");
  }

  @Test
  void disableIgnoresTheIdentity() {
    MeshPolicy disable = mesh("shop", "off", MtlsMode.DISABLE, null, null);
    AccessPolicy allow = access("allow-frontend", PolicyAction.ALLOW,
        rule(List.of(), List.of("frontend")));
    var e = PolicyExplainer.explain(snapshot(List.of(disable), List.of(allow)),
        "shop/frontend-0", FRONTEND, WEB, 8080);
    assertThat(e.verdict()).isEqualTo("DENY");
    assertThat(e.reason()).contains("DISABLE: the identity is not looked at");
  }

  @Test
  void aDestinationWithoutProxyHasNoPolicy() {
    Workload plain = new Workload("shop", "db-0", "db", Map.of(), false, true, null, Map.of());
    var e = PolicyExplainer.explain(snapshot(List.of(), List.of()), "shop/frontend-0", FRONTEND,
        plain, 5432);
    assertThat(e.verdict()).isEqualTo("ALLOW");
    assertThat(e.mtlsMode()).isEqualTo("NONE");
  }

  private static PolicySnapshot snapshot(List<MeshPolicy> mesh, List<AccessPolicy> access) {
    return new PolicySnapshot("palisade-system", mesh, access);
  }

  private static MeshPolicy mesh(String namespace, String name, MtlsMode mode, Integer port,
      MtlsMode portMode) {
    MeshPolicy policy = new MeshPolicy();
    policy.getMetadata().setNamespace(namespace);
    policy.getMetadata().setName(name);
    policy.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
    policy.setSpec(new MeshPolicySpec());
    policy.getSpec().mode = mode;
    if (port != null) {
      MeshPolicySpec.PortMode entry = new MeshPolicySpec.PortMode();
      entry.port = port;
      entry.mode = portMode;
      policy.getSpec().ports = List.of(entry);
    }
    return policy;
  }

  private static AccessPolicy access(String name, PolicyAction action,
      AccessPolicySpec.Rule... rules) {
    AccessPolicy policy = new AccessPolicy();
    policy.getMetadata().setNamespace("shop");
    policy.getMetadata().setName(name);
    policy.setSpec(new AccessPolicySpec());
    policy.getSpec().selector = new WorkloadSelector();
    policy.getSpec().selector.matchLabels = Map.of("app", "web");
    policy.getSpec().action = action;
    policy.getSpec().rules = List.of(rules);
    return policy;
  }

  private static AccessPolicySpec.Rule rule(List<String> identities, List<String> serviceAccounts) {
    AccessPolicySpec.Rule rule = new AccessPolicySpec.Rule();
    rule.identities = identities;
    rule.serviceAccounts = serviceAccounts;
    return rule;
  }
}
