package dev.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.api.v1alpha1.AccessPolicySpec;
import dev.palisade.api.v1alpha1.MeshPolicy;
import dev.palisade.api.v1alpha1.MeshPolicySpec;
import dev.palisade.api.v1alpha1.WorkloadSelector;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.PolicyAction;
import dev.palisade.testing.ControlPlane;
import dev.palisade.testing.PalisadeApi;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code palisade policy explain} on pods and policies stored by a real API server (their CRD
 * validation included): the verdict, the deciding AccessPolicy rule and the MeshPolicy in force.
 */
class PolicyExplainIT {

  private static final String NS = "explain-it";
  private static KubernetesClient admin;

  @BeforeAll
  static void workloads() {
    admin = ControlPlane.get().adminClient();
    PalisadeApi.install(admin);
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS)
        .endMetadata().build()).createOr(existing -> existing.update());
    pod("web-0", "web", Map.of("app", "web", "palisade.dev/proxy", "injected"), 8080);
    pod("frontend-0", "frontend", Map.of("app", "frontend", "palisade.dev/proxy", "injected"), null);
    pod("cart-0", "cart", Map.of("app", "cart", "palisade.dev/proxy", "injected"), null);
    pod("legacy", "legacy", Map.of("app", "legacy"), null);

    AccessPolicy allow = new AccessPolicy();
    allow.getMetadata().setNamespace(NS);
    allow.getMetadata().setName("web-from-frontend");
    allow.setSpec(new AccessPolicySpec());
    allow.getSpec().selector = new WorkloadSelector();
    allow.getSpec().selector.matchLabels = Map.of("app", "web");
    allow.getSpec().action = PolicyAction.ALLOW;
    AccessPolicySpec.Rule monitoring = new AccessPolicySpec.Rule();
    monitoring.namespaces = List.of("monitoring");
    AccessPolicySpec.Rule frontend = new AccessPolicySpec.Rule();
    frontend.serviceAccounts = List.of("frontend");
    allow.getSpec().rules = List.of(monitoring, frontend);
    admin.resource(allow).forceConflicts().serverSideApply();

    MeshPolicy permissive = new MeshPolicy();
    permissive.getMetadata().setNamespace(NS);
    permissive.getMetadata().setName("permissive-9090");
    permissive.setSpec(new MeshPolicySpec());
    MeshPolicySpec.PortMode port = new MeshPolicySpec.PortMode();
    port.port = 9090;
    port.mode = MtlsMode.PERMISSIVE;
    permissive.getSpec().ports = List.of(port);
    admin.resource(permissive).forceConflicts().serverSideApply();
  }

  @AfterAll
  static void cleanUp() {
    if (admin != null) {
      admin.resources(AccessPolicy.class).inNamespace(NS).delete();
      admin.resources(MeshPolicy.class).inNamespace(NS).delete();
      admin.pods().inNamespace(NS).delete();
      admin.close();
    }
  }

  @Test
  void anAllowRuleAdmitsTheFrontendAndNamesItself() {
    CliRun run = CliRun.run("policy", "explain", "--from", NS + "/frontend-0", "--to",
        NS + "/web-0:8080", "--trust-domain", "explain.it");
    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(run.out())
        .startsWith("ALLOW  " + NS + "/frontend-0 -> " + NS + "/web-0:8080")
        .contains("peer identity: spiffe://explain.it/ns/" + NS + "/sa/frontend")
        .contains("mTLS mode:     STRICT (built-in default)")
        .contains("decided by:    AccessPolicy " + NS + "/web-from-frontend rule 2");
  }

  @Test
  void anotherWorkloadIsRefusedAndTheAnswerIsJson() {
    CliRun run = CliRun.run("policy", "explain", "--from", "cart-0", "-n", NS, "--to", "web-0",
        "--trust-domain", "explain.it", "-o", "json");
    assertThat(run.status()).isEqualTo(Main.FAILED);
    var json = run.json(); // one port declared: one answer
    assertThat(json.path("verdict").asText()).isEqualTo("DENY");
    assertThat(json.path("port").asInt()).isEqualTo(8080);
    assertThat(json.path("peerIdentity").asText())
        .isEqualTo("spiffe://explain.it/ns/" + NS + "/sa/cart");
    assertThat(json.path("reason").asText()).contains("none of their rules matches");
  }

  @Test
  void aSpiffeIdFromAnotherNamespaceMatchesTheFirstRule() {
    CliRun run = CliRun.run("policy", "explain", "--from",
        "spiffe://explain.it/ns/monitoring/sa/prometheus", "--to", NS + "/web-0:9090", "-o",
        "json");
    assertThat(run.status()).as(run.toString()).isZero();
    var json = run.json();
    assertThat(json.path("decidedBy").asText()).isEqualTo(NS + "/web-from-frontend");
    assertThat(json.path("rule").asInt()).isEqualTo(1);
    assertThat(json.path("mtlsMode").asText()).isEqualTo("PERMISSIVE");
    assertThat(json.path("modeDecidedBy").asText()).isEqualTo(NS + "/permissive-9090");
    assertThat(json.path("modeLevel").asText()).isEqualTo("namespace-wide");
    assertThat(json.path("modeByPortEntry").asBoolean()).isTrue();
  }

  @Test
  void aClientWithoutProxyIsRefusedBySTRICTAndOnAPermissivePortByTheAllowPolicy() {
    CliRun strict = CliRun.run("policy", "explain", "--from", NS + "/legacy", "--to",
        NS + "/web-0:8080");
    assertThat(strict.status()).isEqualTo(Main.FAILED);
    assertThat(strict.out()).startsWith("DENY").contains("refuses a client without a Palisade"
        + " certificate");
    CliRun permissive = CliRun.run("policy", "explain", "--from", NS + "/legacy", "--to",
        NS + "/web-0:9090", "-o", "json");
    assertThat(permissive.status()).isEqualTo(Main.FAILED);
    assertThat(permissive.json().path("mtlsMode").asText()).isEqualTo("PERMISSIVE");
    assertThat(permissive.json().path("reason").asText())
        .contains("never match one without a verified identity");
  }

  @Test
  void anUnknownPodIsAnErrorThatSaysWhich() {
    CliRun run = CliRun.run("policy", "explain", "--from", NS + "/nobody", "--to", NS + "/web-0");
    assertThat(run.status()).isEqualTo(Main.FAILED);
    assertThat(run.err()).contains("error: pod " + NS + "/nobody not found");
  }

  private static void pod(String name, String serviceAccount, Map<String, String> labels,
      Integer port) {
    var container = new io.fabric8.kubernetes.api.model.ContainerBuilder().withName("app")
        .withImage("registry.invalid/app:1");
    if (port != null) {
      container.addNewPort().withContainerPort(port).endPort();
    }
    admin.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(name)
        .withLabels(labels).endMetadata().withNewSpec().withServiceAccountName(serviceAccount)
        .withContainers(container.build()).endSpec().build()).createOr(p -> p.update());
  }
}
