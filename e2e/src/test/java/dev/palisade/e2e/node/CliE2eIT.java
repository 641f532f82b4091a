package dev.palisade.e2e.node;

import static dev.palisade.e2e.node.PalisadeCli.kubectlPalisade;
import static dev.palisade.e2e.node.PalisadeCli.palisade;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.e2e.node.PalisadeCli.Run;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged command line ({@code cli/target/palisade-cli}) as a kubectl plugin against the
 * chart installed on the real node, with real proxies: {@code kubectl palisade check} all green
 * (the proxies' certificates read through the API server's pod proxy), {@code identity},
 * {@code proxy-status} and {@code policy explain} on the mesh of {@link MeshFixture}.
 */
class CliE2eIT {

  /** The API server's pod proxy under a loaded test machine: more than the default 5 s. */
  private static final String PROXY_TIMEOUT = "--proxy-timeout=30s";

  private static final String NS = "e2e-cli";
  private static MeshFixture mesh;

  @BeforeAll
  static void meshedApplication() {
    PalisadeRelease.ensureInstalled();
    mesh = MeshFixture.create(NS);
  }

  @AfterAll
  static void removeIt() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void kubectlPalisadeCheckPassesOnTheInstalledChart() throws Exception {
    Run run = kubectlPalisade("check", "-o", "json", PROXY_TIMEOUT);
    assertThat(run.status()).as(run.toString()).isZero();
    for (JsonNode check : run.json().path("checks")) {
      assertThat(check.path("status").asText()).as(check.toString()).isIn("ok", "skip");
    }
    assertThat(check(run, "injection").path("status").asText()).isEqualTo("ok");
    assertThat(check(run, "proxy-certificates").path("status").asText()).isEqualTo("ok");
  }

  @Test
  void identityShowsWhatTheServersProxyServes() throws Exception {
    Pod server = mesh.pod(NS, "server");
    Run run = palisade("identity", NS + "/" + server.getMetadata().getName(), "-o", "json",
        PROXY_TIMEOUT);
    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(run.json().path("spiffeId").asText())
        .isEqualTo("spiffe://cluster.local/ns/" + NS + "/sa/server");
    Instant notAfter = Instant.parse(run.json().path("notAfter").asText());
    assertThat(notAfter).isBetween(Instant.now().plus(Duration.ofHours(10)),
        Instant.now().plus(Duration.ofHours(25)));
    assertThat(run.json().path("pastRenewal").asBoolean()).isFalse();
    // From the proxy's /identity: the chain it serves (leaf and issuer), its serial, and the
    // trust bundle and configuration it holds, both what the operator publishes now.
    assertThat(run.json().path("chain")).hasSize(2);
    assertThat(run.json().path("serial").asText()).matches("[0-9a-f]+");
    assertThat(run.json().path("trustBundleCurrent").asBoolean()).as(run.toString()).isTrue();
    assertThat(run.json().path("configVersion").asText())
        .isEqualTo(run.json().path("servedConfigVersion").asText());
    assertThat(run.json().path("configInSync").asBoolean()).as(run.toString()).isTrue();
  }

  @Test
  void proxyStatusListsTheThreeMeshedPodsReadyCurrentAndInSync() throws Exception {
    Run run = palisade("proxy-status", "-n", NS, "-o", "json", PROXY_TIMEOUT);
    assertThat(run.status()).as(run.toString()).isZero();
    JsonNode proxies = run.json().path("proxies");
    assertThat(proxies).hasSize(3);
    for (JsonNode proxy : proxies) {
      assertThat(proxy.path("ready").asBoolean()).as(proxy.toString()).isTrue();
      assertThat(proxy.path("proxyReady").asBoolean()).as(proxy.toString()).isTrue();
      assertThat(proxy.path("versionCurrent").asBoolean()).as(proxy.toString()).isTrue();
      assertThat(proxy.has("certificateExpiry")).as(proxy.toString()).isTrue();
      assertThat(proxy.path("configInSync").asBoolean()).as(proxy.toString()).isTrue();
      assertThat(proxy.path("trustBundleCurrent").asBoolean()).as(proxy.toString()).isTrue();
    }
  }

  @Test
  void policyExplainNamesTheAccessPolicyAndTheStrictMeshPolicy() throws Exception {
    String server = mesh.pod(NS, "server").getMetadata().getName();
    Run allowed = palisade("policy", "explain", "--from",
        NS + "/" + mesh.pod(NS, "client").getMetadata().getName(), "--to",
        NS + "/" + server + ":8080", "-o", "json");
    assertThat(allowed.status()).as(allowed.toString()).isZero();
    assertThat(allowed.json().path("decidedBy").asText()).isEqualTo(NS + "/server-callers");
    assertThat(allowed.json().path("mtlsMode").asText()).isEqualTo("STRICT");
    assertThat(allowed.json().path("modeDecidedBy").asText()).isEqualTo(NS + "/server-strict");

    Run refused = palisade("policy", "explain", "--from",
        NS + "/" + mesh.pod(NS, "intruder").getMetadata().getName(), "--to",
        NS + "/" + server + ":8080");
    assertThat(refused.status()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.out()).startsWith("DENY");
  }

  private static JsonNode check(Run run, String name) throws IOException {
    for (JsonNode check : run.json().path("checks")) {
      if (check.path("check").asText().equals(name)) {
        return check;
      }
    }
    throw new AssertionError("no check " + name + ": " + run);
  }
}
