package dev.palisade.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.api.v1alpha1.AccessPolicySpec;
import dev.palisade.api.v1alpha1.MeshPolicy;
import dev.palisade.api.v1alpha1.MeshPolicySpec;
import dev.palisade.api.v1alpha1.PolicyStatus;
import dev.palisade.api.v1alpha1.WorkloadSelector;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.PolicyAction;
import dev.palisade.testing.ControlPlane;
import dev.palisade.testing.PalisadeApi;
import dev.palisade.testing.RunningOperator;
import dev.palisade.testing.Workloads;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MeshPolicy and AccessPolicy statuses kept by the operator's reconcilers, running as the chart's
 * ServiceAccount on a real API server: what each selects, and whether it is in effect.
 */
class PolicyStatusIT {

  private static final String NS = "policy-status-it";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Map<String, String> INJECTED = Map.of("palisade.dev/proxy", "injected");

  private static KubernetesClient admin;
  private static RunningOperator operator;
  private static Workloads workloads;

  @BeforeAll
  static void start() {
    ControlPlane controlPlane = ControlPlane.get();
    admin = controlPlane.adminClient();
    PalisadeApi.install(admin);
    operator = new RunningOperator(controlPlane, Duration.ofMinutes(1));
    workloads = new Workloads(controlPlane, admin, NS);
    workloads.serviceAccount("web");
    workloads.serviceAccount("db");
    workloads.pod("web-0", "web", labels("app", "web", "tier", "front"));
    workloads.pod("web-1", "web", labels("app", "web"));
    workloads.pod("db-0", "db", labels("app", "db"));
    workloads.pod("web-not-injected", "web", Map.of("app", "web")); // no proxy: not counted
  }

  @AfterAll
  static void stop() {
    workloads.releaseAll();
    operator.close();
    admin.close();
  }

  @Test
  void aMeshPolicyReportsTheWorkloadsItSelectsAndFollowsPods() {
    MeshPolicy policy = meshPolicy("web-permissive", selector("app", "web"), MtlsMode.PERMISSIVE);
    admin.resource(policy).create();

    PolicyStatus status = awaitStatus(() -> get(MeshPolicy.class, "web-permissive"),
        s -> Integer.valueOf(2).equals(s.selectedWorkloads));
    assertThat(status.workloads).containsExactly(NS + "/web-0", NS + "/web-1");
    assertReady(status, "True", "Applied", "In effect for 2 workloads, as the workload mTLS policy");

    Pod added = workloads.pod("web-2", "web", labels("app", "web"));
    awaitStatus(() -> get(MeshPolicy.class, "web-permissive"),
        s -> Integer.valueOf(3).equals(s.selectedWorkloads));
    workloads.relabel(added, labels("app", "batch"));
    status = awaitStatus(() -> get(MeshPolicy.class, "web-permissive"),
        s -> Integer.valueOf(2).equals(s.selectedWorkloads));
    assertThat(status.workloads).containsExactly(NS + "/web-0", NS + "/web-1");
    assertThat(status.observedGeneration).isEqualTo(1L);
    workloads.delete(added);
  }

  @Test
  void ofTwoNamespaceWideMeshPoliciesTheNewerIsOverriddenUntilTheOlderGoes() throws Exception {
    MeshPolicy first = admin.resource(meshPolicy("ns-strict", null, MtlsMode.STRICT)).create();
    // creationTimestamp has one-second resolution: create the second in a later second.
    Instant created = Instant.parse(first.getMetadata().getCreationTimestamp());
    await("the next second").atMost(Duration.ofSeconds(5))
        .until(() -> Instant.now().getEpochSecond() > created.getEpochSecond());
    admin.resource(meshPolicy("ns-disable", null, MtlsMode.DISABLE)).create();

    PolicyStatus loser = awaitStatus(() -> get(MeshPolicy.class, "ns-disable"),
        s -> readyReason(s).equals("Overridden"));
    assertReady(loser, "False", "Overridden", "MeshPolicy " + NS + "/ns-strict is older and also"
        + " namespace-wide for namespace " + NS + "; at each level the oldest MeshPolicy wins, so"
        + " this one is not in effect. Merge the two, or delete one");
    assertThat(loser.selectedWorkloads).as("it still selects them").isEqualTo(3);
    PolicyStatus winner = awaitStatus(() -> get(MeshPolicy.class, "ns-strict"),
        s -> readyReason(s).equals("Applied"));
    assertReady(winner, "True", "Applied", "In effect for 3 workloads, as the namespace-wide mTLS"
        + " policy");

    admin.resources(MeshPolicy.class).inNamespace(NS).withName("ns-strict").delete();
    awaitStatus(() -> get(MeshPolicy.class, "ns-disable"), s -> readyReason(s).equals("Applied"));
  }

  @Test
  void anAccessPolicyReportsItsSelectionWithExpressionSelectors() {
    WorkloadSelector selector = new WorkloadSelector();
    WorkloadSelector.Requirement requirement = new WorkloadSelector.Requirement();
    requirement.key = "app";
    requirement.operator = WorkloadSelector.Operator.In;
    requirement.values = List.of("web", "db");
    WorkloadSelector.Requirement notFront = new WorkloadSelector.Requirement();
    notFront.key = "tier";
    notFront.operator = WorkloadSelector.Operator.DoesNotExist;
    selector.matchExpressions = List.of(requirement, notFront);
    AccessPolicy policy = new AccessPolicy();
    policy.getMetadata().setName("allow-shop");
    policy.getMetadata().setNamespace(NS);
    policy.setSpec(new AccessPolicySpec());
    policy.getSpec().selector = selector;
    policy.getSpec().action = PolicyAction.ALLOW;
    AccessPolicySpec.Rule rule = new AccessPolicySpec.Rule();
    rule.namespaces = List.of(NS);
    policy.getSpec().rules = List.of(rule);
    admin.resource(policy).create();

    PolicyStatus status = awaitStatus(() -> get(AccessPolicy.class, "allow-shop"),
        s -> Integer.valueOf(2).equals(s.selectedWorkloads));
    assertThat(status.workloads).containsExactly(NS + "/db-0", NS + "/web-1");
    assertReady(status, "True", "Applied", "In effect for 2 workloads, with action ALLOW");
  }

  private static <P extends CustomResource<?, PolicyStatus>> P get(Class<P> kind, String name) {
    return admin.resources(kind).inNamespace(NS).withName(name).get();
  }

  private static PolicyStatus awaitStatus(Supplier<? extends CustomResource<?, PolicyStatus>> read,
      java.util.function.Predicate<PolicyStatus> condition) {
    return await().atMost(WAIT).pollInterval(Duration.ofMillis(250))
        .until(() -> {
          var policy = read.get();
          return policy == null ? null : policy.getStatus();
        }, status -> status != null && condition.test(status));
  }

  private static String readyReason(PolicyStatus status) {
    return status.conditions.stream().filter(c -> c.getType().equals("Ready"))
        .map(Condition::getReason).findFirst().orElse("");
  }

  private static void assertReady(PolicyStatus status, String ready, String reason,
      String message) {
    assertThat(status.conditions).filteredOn(c -> c.getType().equals("Ready")).singleElement()
        .satisfies(c -> {
          assertThat(c.getStatus()).isEqualTo(ready);
          assertThat(c.getReason()).isEqualTo(reason);
          assertThat(c.getMessage()).isEqualTo(message);
          assertThat(c.getObservedGeneration()).isEqualTo(1L);
        });
  }

  private static MeshPolicy meshPolicy(String name, WorkloadSelector selector, MtlsMode mode) {
    MeshPolicy policy = new MeshPolicy();
    policy.getMetadata().setName(name);
    policy.getMetadata().setNamespace(NS);
    policy.setSpec(new MeshPolicySpec());
    policy.getSpec().selector = selector;
    policy.getSpec().mode = mode;
    return policy;
  }

  private static WorkloadSelector selector(String key, String value) {
    WorkloadSelector selector = new WorkloadSelector();
    selector.matchLabels = Map.of(key, value);
    return selector;
  }

  private static Map<String, String> labels(String... keyValues) {
    Map<String, String> labels = new java.util.HashMap<>(INJECTED);
    for (int i = 0; i < keyValues.length; i += 2) {
      labels.put(keyValues[i], keyValues[i + 1]);
    }
    return labels;
  }
}
