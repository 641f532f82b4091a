package dev.palisade.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The chart's life on a real cluster, in order: install from scratch, upgrade with changed
 * values, uninstall. Leaves Palisade uninstalled; the other classes install it again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChartLifecycleIT {

  /** Everything the chart renders, by kind, for `kubectl get -l`. */
  private static final String CHART_KINDS = "deployments,services,serviceaccounts,roles,"
      + "rolebindings,configmaps,poddisruptionbudgets,clusterroles,clusterrolebindings,"
      + "mutatingwebhookconfigurations,validatingadmissionpolicies,"
      + "validatingadmissionpolicybindings";

  @Test
  @Order(1)
  void installsFromScratchWithTheOperatorRunningFromItsImage() {
    if (Node.helm("status", PalisadeRelease.NAME, "-n", PalisadeRelease.NAMESPACE).succeeded()) {
      PalisadeRelease.uninstall();
    }
    PalisadeRelease.install();

    Deployment operator = operatorDeployment();
    assertThat(operator.getStatus().getReadyReplicas()).isEqualTo(2);
    List<Pod> pods = operatorPods();
    assertThat(pods).hasSize(2).allSatisfy(pod -> {
      assertThat(pod.getStatus().getContainerStatuses().getFirst().getImage())
          .isEqualTo(Node.image("OPERATOR_IMAGE"));
      assertThat(pod.getStatus().getContainerStatuses().getFirst().getReady()).isTrue();
    });
    // One replica leads the reconcilers (once a lease left by an earlier install has expired);
    // both serve.
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(pods)
        .extracting(pod -> pod.getMetadata().getName())
        .contains(Node.kubectl("get", "lease", PalisadeRelease.OPERATOR, "-n",
            PalisadeRelease.NAMESPACE, "-o", "jsonpath={.spec.holderIdentity}").orThrow()));
    // The API server reaches the webhook through the Service: a dry-run pod comes back injected.
    Node.kubectl("create", "namespace", "e2e-chart").orThrow();
    try {
      Node.kubectl("label", "namespace", "e2e-chart", "palisade.dev/inject=enabled").orThrow();
      // Once the leader has written the webhook's caBundle (seconds after the pods are Ready;
      // until then the API server cannot verify the webhook, and Fail refuses such pods).
      await("the webhook trusted and injecting").atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(Node.kubectl("run", "probe", "-n", "e2e-chart",
              "--image", Node.image("DEMO_APP_IMAGE"), "--dry-run=server", "-o",
              "jsonpath={.spec.initContainers[*].name}").stdout())
              .isEqualTo("palisade-init palisade-proxy"));
    } finally {
      Node.kubectl("delete", "namespace", "e2e-chart", "--wait=false");
    }
  }

  @Test
  @Order(2)
  void anUpgradeWithChangedValuesRollsOut() {
    String before = operatorDeployment().getMetadata().getGeneration().toString();
    PalisadeRelease.install("operator.bundlePropagation=2m");

    Deployment operator = operatorDeployment();
    assertThat(operator.getMetadata().getGeneration().toString()).isNotEqualTo(before);
    assertThat(operator.getStatus().getUpdatedReplicas()).isEqualTo(2);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(operatorPods())
        .hasSize(2).allSatisfy(pod -> assertThat(pod.getSpec().getContainers().getFirst()
            .getEnv()).anySatisfy(env -> {
              assertThat(env.getName()).isEqualTo("PALISADE_BUNDLE_PROPAGATION");
              assertThat(env.getValue()).isEqualTo("2m");
            })));
  }

  @Test
  @Order(3)
  void uninstallLeavesNothingOfTheChartButTheCrds() {
    PalisadeRelease.uninstall();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(Node.kubectl("get", CHART_KINDS, "-A", "-l",
          "app.kubernetes.io/instance=" + PalisadeRelease.NAME, "-o", "name").orThrow()).isEmpty();
      assertThat(operatorPods()).isEmpty();
    });
    assertThat(Node.kubectl("get", "crd", "trustdomains.palisade.dev",
        "workloadcertificates.palisade.dev", "meshpolicies.palisade.dev",
        "accesspolicies.palisade.dev", "certificaterevocations.palisade.dev",
        "identitysuspensions.palisade.dev", "-o", "name").orThrow().lines()).hasSize(6);
  }

  private static Deployment operatorDeployment() {
    return Node.client().apps().deployments().inNamespace(PalisadeRelease.NAMESPACE)
        .withName(PalisadeRelease.OPERATOR).get();
  }

  private static List<Pod> operatorPods() {
    return Node.client().pods().inNamespace(PalisadeRelease.NAMESPACE).list().getItems().stream()
        .filter(pod -> pod.getMetadata().getName().startsWith(PalisadeRelease.OPERATOR + "-"))
        .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }
}
