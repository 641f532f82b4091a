package dev.palisade.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The control plane may go away; the data plane must not notice. Both operator pods are deleted
 * and held down (the Deployment scaled to zero) under a live connection, then brought back.
 */
class OperatorOutageIT {

  private static MeshFixture mesh;

  @BeforeAll
  static void meshedApplication() {
    PalisadeRelease.ensureInstalled();
    mesh = MeshFixture.create("e2e-outage");
  }

  @AfterAll
  static void restore() {
    scaleOperator(2);
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void trafficOutlivesTheOperatorAndAPodCreatedMeanwhileIsAdmittedOnceItIsBack() throws Exception {
    // The client's proxy learns from the operator which identity the server must present;
    // a destination it has never asked about is refused while no operator answers.
    try (HeldStream stream = HeldStream.open(mesh, "client", Duration.ofSeconds(45))) {
      scaleOperator(0);
      await("operator pods gone").atMost(Duration.ofSeconds(60)).until(() -> operatorPods() == 0);

      // New connections between meshed pods: certificates, policy and the destinations they
      // know are the proxies' own.
      assertThat(mesh.demoApp(mesh.namespace, "client", "get", mesh.serverUrl()).stdout())
          .contains("200 OK");
      assertThat(mesh.demoApp(mesh.namespace, "intruder", "get", mesh.serverUrl()).succeeded())
          .as("the policy in force stays in force").isFalse();
      // A destination never looked up cannot be told meshed or not: refused, never plaintext.
      Pod client = mesh.pod(mesh.namespace, "client");
      String unknown = "palisade_tls_handshakes_total{direction=\"outbound\","
          + "reason=\"destination_unknown\",result=\"failure\"}";
      double refusedBefore = mesh.proxyMetric(client, unknown);
      assertThat(mesh.demoApp(mesh.namespace, "client", "get", mesh.legacyUrl()).succeeded())
          .isFalse();
      assertThat(mesh.proxyMetric(client, unknown)).isEqualTo(refusedBefore + 1);
      // A pod of a labelled namespace is refused while no replica answers (failurePolicy Fail):
      // created without its proxy it would talk plaintext in a namespace that asked for mTLS.
      mesh.apply(MeshFixture.deployment(mesh.namespace, "late", Node.image("DEMO_APP_IMAGE"),
          "[sleep]"));
      await("the webhook's refusal in the ReplicaSet's events").atMost(Duration.ofSeconds(60))
          .until(() -> Node.kubectl("get", "events", "-n", mesh.namespace, "--field-selector",
              "reason=FailedCreate", "-o", "jsonpath={.items[*].message}").stdout()
              .contains("inject.palisade.dev"));
      assertThat(Node.client().pods().inNamespace(mesh.namespace).withLabel("app", "late").list()
          .getItems()).isEmpty();

      scaleOperator(2);
      // The ReplicaSet controller retries; the pod is admitted, injected, and its proxy gets a
      // certificate from the operator (it is Ready only then).
      mesh.waitReady(mesh.namespace, "late");
      assertThat(mesh.pod(mesh.namespace, "late").getMetadata().getLabels())
          .containsEntry("palisade.dev/proxy", "injected");

      stream.assertUnbroken();
    }
  }

  private static void scaleOperator(int replicas) {
    Node.kubectl("scale", "deployment", PalisadeRelease.OPERATOR, "-n", PalisadeRelease.NAMESPACE,
        "--replicas=" + replicas).orThrow();
    if (replicas > 0) {
      Node.kubectl("rollout", "status", "deployment", PalisadeRelease.OPERATOR, "-n",
          PalisadeRelease.NAMESPACE, "--timeout=180s").orThrow();
    }
  }

  private static long operatorPods() {
    return Node.client().pods().inNamespace(PalisadeRelease.NAMESPACE).list().getItems().stream()
        .filter(pod -> pod.getMetadata().getName().startsWith(PalisadeRelease.OPERATOR + "-"))
        .count();
  }
}
