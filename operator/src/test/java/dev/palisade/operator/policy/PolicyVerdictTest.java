package dev.palisade.operator.policy;

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
import dev.palisade.api.v1alpha1.WorkloadSelector.Operator;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.PolicyAction;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What policy statuses report: selection, and why a policy is or is not in effect. */
class PolicyVerdictTest {

  private final List<Workload> shop = new ArrayList<>(List.of(
      workload("shop", "web-0", "web", "app", "web"),
      workload("shop", "web-1", "web", "app", "web"),
      workload("shop", "db-0", "db", "app", "db"),
      new Workload("shop", "web-done", "web", Map.of("app", "web",
          Workload.PROXY_LABEL, Workload.PROXY_INJECTED), true, false, null, Map.of()),
      new Workload("shop", "web-uninjected", "web", Map.of("app", "web"), false, true, null,
          Map.of())));
  private final List<Workload> other = List.of(workload("other", "x-0", "x"));

  @Test
  void aWorkloadPolicyCountsTheLiveInjectedPodsItSelects() {
    MeshPolicy policy = mesh("shop", "web", 1, labels("app", "web"), MtlsMode.PERMISSIVE);
    PolicyVerdict verdict = verdictOf(policy, policy);
    assertThat(verdict.selected()).containsExactly("shop/web-0", "shop/web-1");
    assertThat(verdict.ready()).isTrue();
    assertThat(verdict.reason()).isEqualTo("Applied");
    assertThat(verdict.message()).isEqualTo("In effect for 2 workloads, as the workload mTLS policy");
  }

  @Test
  void theMeshWidePolicySelectsEveryNamespace() {
    MeshPolicy policy = mesh(OPERATOR_NS, "default", 1, null, MtlsMode.STRICT);
    PolicyVerdict verdict = verdictOf(policy, policy);
    assertThat(verdict.selected()).containsExactly("other/x-0", "shop/db-0", "shop/web-0",
        "shop/web-1");
    assertThat(verdict.message()).endsWith("as the mesh-wide mTLS policy");
  }

  @Test
  void theStatusListsAtMostTenNamesButCountsAll() {
    IntStream.range(0, 25).forEach(i -> shop.add(workload("shop", "many-" + (100 + i), "m",
        "app", "many")));
    MeshPolicy policy = mesh("shop", "many", 1, labels("app", "many"), MtlsMode.STRICT);
    PolicyVerdict verdict = verdictOf(policy, policy);
    assertThat(verdict.selected()).hasSize(25);
    assertThat(verdict.listed()).hasSize(10).startsWith("shop/many-100").endsWith("shop/many-109");
  }

  @Test
  void aNewerNamespaceWidePolicyIsOverriddenEvenWithoutPods() {
    MeshPolicy older = mesh("empty", "first", 1, null, MtlsMode.STRICT);
    MeshPolicy newer = mesh("empty", "second", 2, null, MtlsMode.DISABLE);
    assertThat(verdictOf(older, older, newer).ready()).isTrue();
    PolicyVerdict verdict = verdictOf(newer, older, newer);
    assertThat(verdict.ready()).isFalse();
    assertThat(verdict.reason()).isEqualTo("Overridden");
    assertThat(verdict.message()).startsWith("MeshPolicy empty/first is older and also"
        + " namespace-wide for namespace empty; at each level the oldest MeshPolicy wins");
  }

  @Test
  void aWorkloadPolicyIsOverriddenWhereAnOlderOneSelectsTheSamePods() {
    MeshPolicy older = mesh("shop", "web-1-only", 1, expression("app", Operator.Exists),
        MtlsMode.STRICT);
    older.getSpec().selector.matchLabels = Map.of("app", "db");
    MeshPolicy newer = mesh("shop", "all-apps", 2, expression("app", Operator.Exists),
        MtlsMode.DISABLE);
    PolicyVerdict verdict = verdictOf(newer, older, newer);
    assertThat(verdict.selected()).containsExactly("shop/db-0", "shop/web-0", "shop/web-1");
    assertThat(verdict.ready()).isFalse();
    assertThat(verdict.message()).startsWith("not in effect for 1 of the 3 workloads it selects:"
        + " older workload MeshPolicies also select them (shop/web-1-only)");
    assertThat(verdictOf(older, older, newer).ready()).isTrue();
  }

  @Test
  void anInvalidSelectorIsReported() {
    MeshPolicy broken = mesh("shop", "broken", 1, expression("app", Operator.In), MtlsMode.STRICT);
    PolicyVerdict verdict = verdictOf(broken, broken);
    assertThat(verdict.ready()).isFalse();
    assertThat(verdict.reason()).isEqualTo("InvalidSelector");
    assertThat(verdict.selected()).isEmpty();

    AccessPolicy deny = access("shop", "broken", expression("app", Operator.Exists, "x"),
        PolicyAction.DENY, rule(List.of(), List.of("guest"), List.of(), List.of()));
    PolicyVerdict accessVerdict = PolicyVerdict.of(deny, shop);
    assertThat(accessVerdict.reason()).isEqualTo("InvalidSelector");
    assertThat(accessVerdict.selected()).as("fail closed: the whole namespace")
        .containsExactly("shop/db-0", "shop/web-0", "shop/web-1");
  }

  @Test
  void anAccessPolicyCountsWhatItSelects() {
    AccessPolicy allow = access("shop", "web", labels("app", "web"), PolicyAction.ALLOW,
        rule(List.of("*"), List.of(), List.of(), List.of()));
    PolicyVerdict verdict = PolicyVerdict.of(allow, shop);
    assertThat(verdict.selected()).containsExactly("shop/web-0", "shop/web-1");
    assertThat(verdict.message()).isEqualTo("In effect for 2 workloads, with action ALLOW");
    AccessPolicy none = access("shop", "none", labels("app", "nothing"), PolicyAction.DENY,
        rule(List.of("*"), List.of(), List.of(), List.of()));
    assertThat(PolicyVerdict.of(none, shop).message())
        .startsWith("Selects no workloads with the Palisade proxy yet");
  }

  private PolicyVerdict verdictOf(MeshPolicy policy, MeshPolicy... all) {
    PolicySnapshot snapshot = new PolicySnapshot(OPERATOR_NS, List.of(all), List.of());
    return PolicyVerdict.of(policy, snapshot, this::workloadsIn, this::allWorkloads);
  }

  private Collection<Workload> workloadsIn(String namespace) {
    return allWorkloads().stream().filter(w -> w.namespace().equals(namespace)).toList();
  }

  private Collection<Workload> allWorkloads() {
    List<Workload> all = new ArrayList<>(shop);
    all.addAll(other);
    return all;
  }
}
