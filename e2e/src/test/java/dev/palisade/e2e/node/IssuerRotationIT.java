package dev.palisade.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The trust domain's intermediate issuer is replaced under live traffic: no connection drops,
 * and a pod certified by the new issuer talks to one certified by the old.
 */
class IssuerRotationIT {

  private static final String TRUST_DOMAIN = "cluster.local";  // examples/10-trustdomain.yaml
  private static MeshFixture mesh;

  @BeforeAll
  static void meshedApplication() {
    PalisadeRelease.ensureInstalled();
    mesh = MeshFixture.create("e2e-rotation");
  }

  @AfterAll
  static void restore() {
    renewIssuerBefore("720h");
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void anIssuerRotationDropsNoConnection() throws Exception {
    try (HeldStream stream = HeldStream.open(mesh, "client", Duration.ofSeconds(60))) {
      // The issuer's renewal point moved to 30 s after it was issued: due now.
      String before = issuerFingerprint();
      renewIssuerBefore("2159h59m30s");
      await("a new issuer").atMost(Duration.ofSeconds(60))
          .until(() -> !issuerFingerprint().equals(before));
      renewIssuerBefore("720h");
      assertThat(stream.isAlive()).as("the stream outlasts the rotation").isTrue();

      // A pod started now gets its certificate from the new issuer; the server's is older.
      mesh.apply("""
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: fresh, namespace: %s}
          spec:
            replicas: 1
            selector: {matchLabels: {app: fresh}}
            template:
              metadata: {labels: {app: fresh}}
              spec:
                serviceAccountName: client
                terminationGracePeriodSeconds: 5
                containers: [{name: app, image: "%s", args: [sleep]}]
          """.formatted(mesh.namespace, Node.image("DEMO_APP_IMAGE")));
      mesh.waitReady(mesh.namespace, "fresh");
      assertThat(mesh.demoApp(mesh.namespace, "fresh", "get", mesh.serverUrl()).stdout())
          .contains("200 OK");

      stream.assertUnbroken();
    }
  }

  private static String issuerFingerprint() {
    return Node.kubectl("get", "trustdomain", TRUST_DOMAIN, "-o",
        "jsonpath={.status.issuer.fingerprint}").orThrow();
  }

  private static void renewIssuerBefore(String duration) {
    Node.kubectl("patch", "trustdomain", TRUST_DOMAIN, "--type", "merge", "-p",
        "{\"spec\":{\"issuer\":{\"renewBefore\":\"" + duration + "\"}}}").orThrow();
  }
}
