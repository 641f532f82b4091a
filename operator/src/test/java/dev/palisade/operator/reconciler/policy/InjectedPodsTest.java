package dev.palisade.operator.reconciler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.api.v1alpha1.AccessPolicySpec;
import dev.palisade.api.v1alpha1.MeshPolicy;
import dev.palisade.api.v1alpha1.MeshPolicySpec;
import dev.palisade.api.v1alpha1.WorkloadSelector;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.PolicyAction;
import dev.palisade.operator.policy.Workload;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A pod's change wakes the policies that select it, before or after, and no others. */
class InjectedPodsTest {

  private static final String OPERATOR_NS = "palisade-system";

  private final List<MeshPolicy> meshPolicies = List.of(
      mesh(OPERATOR_NS, "mesh-wide", null),
      mesh(OPERATOR_NS, "operator-pods", Map.of("app", "operator")),
      mesh("shop", "namespace-wide", null),
      mesh("shop", "web-only", Map.of("app", "web")),
      mesh("shop", "db-only", Map.of("app", "db")),
      mesh("blog", "blog-wide", null));
  private final List<AccessPolicy> accessPolicies = List.of(
      access("shop", "web-callers", Map.of("app", "web")),
      access("shop", "db-callers", Map.of("app", "db")),
      access("blog", "blog-callers", null));

  @Test
  void aNewPodWakesThePoliciesThatSelectItOnly() {
    Workload web = pod("web", true, true);
    assertThat(meshWakes(null, web)).containsExactlyInAnyOrder(
        id(OPERATOR_NS, "mesh-wide"), id("shop", "namespace-wide"), id("shop", "web-only"));
    assertThat(accessWakes(null, web)).containsExactly(id("shop", "web-callers"));
  }

  @Test
  void aRelabelledPodWakesThePoliciesOfItsOldAndNewLabels() {
    Workload before = pod("web", true, true);
    Workload after = pod("db", true, true);
    assertThat(meshWakes(before, after)).containsExactlyInAnyOrder(
        id(OPERATOR_NS, "mesh-wide"), id("shop", "namespace-wide"), id("shop", "web-only"),
        id("shop", "db-only"));
    assertThat(accessWakes(before, after)).containsExactlyInAnyOrder(
        id("shop", "web-callers"), id("shop", "db-callers"));
  }

  @Test
  void aPodThatFinishesOrGoesWakesThePoliciesThatCountedIt() {
    Workload running = pod("db", true, true);
    assertThat(accessWakes(running, pod("db", true, false))).containsExactly(
        id("shop", "db-callers"));
    assertThat(accessWakes(running, null)).containsExactly(id("shop", "db-callers"));
  }

  @Test
  void changesNoStatusShowsWakeNothing() {
    Workload web = pod("web", true, true);
    Workload newIp = new Workload("shop", "web-0", "web", web.labels(), true, true, "10.0.0.9",
        Map.of());
    assertThat(meshWakes(web, newIp)).as("an IP or status change").isEmpty();
    Workload plain = pod("web", false, true);
    assertThat(meshWakes(null, plain)).as("a pod without the proxy").isEmpty();
    assertThat(accessWakes(plain, pod("db", false, true))).isEmpty();
  }

  private Set<ResourceID> meshWakes(Workload before, Workload after) {
    return InjectedPods.meshPolicies(before, after, OPERATOR_NS,
        namespace -> inNamespace(meshPolicies, namespace));
  }

  private Set<ResourceID> accessWakes(Workload before, Workload after) {
    return InjectedPods.accessPolicies(before, after,
        namespace -> inNamespace(accessPolicies, namespace));
  }

  private static <P extends HasMetadata> Stream<P> inNamespace(List<P> policies,
      String namespace) {
    return policies.stream().filter(p -> p.getMetadata().getNamespace().equals(namespace));
  }

  private static Workload pod(String app, boolean injected, boolean live) {
    Map<String, String> labels = injected
        ? Map.of("app", app, Workload.PROXY_LABEL, Workload.PROXY_INJECTED) : Map.of("app", app);
    return new Workload("shop", "web-0", "web", labels, injected, live, "10.0.0.1", Map.of());
  }

  private static ResourceID id(String namespace, String name) {
    return new ResourceID(name, namespace);
  }

  private static MeshPolicy mesh(String namespace, String name, Map<String, String> labels) {
    MeshPolicy policy = new MeshPolicy();
    policy.getMetadata().setNamespace(namespace);
    policy.getMetadata().setName(name);
    policy.setSpec(new MeshPolicySpec());
    policy.getSpec().selector = selector(labels);
    policy.getSpec().mode = MtlsMode.STRICT;
    return policy;
  }

  private static AccessPolicy access(String namespace, String name, Map<String, String> labels) {
    AccessPolicy policy = new AccessPolicy();
    policy.getMetadata().setNamespace(namespace);
    policy.getMetadata().setName(name);
    policy.setSpec(new AccessPolicySpec());
    policy.getSpec().selector = selector(labels);
    policy.getSpec().action = PolicyAction.ALLOW;
    policy.getSpec().rules = List.of(new AccessPolicySpec.Rule());
    return policy;
  }

  private static WorkloadSelector selector(Map<String, String> labels) {
    if (labels == null) {
      return null;
    }
    WorkloadSelector selector = new WorkloadSelector();
    selector.matchLabels = labels;
    return selector;
  }
}
