package dev.palisade.operator.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.api.v1alpha1.AccessPolicySpec;
import dev.palisade.common.pki.KeyType;
import dev.palisade.common.policy.PolicyAction;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.time.Backoff;
import dev.palisade.sidecar.config.ConfigPoller;
import dev.palisade.sidecar.identity.IdentityClient;
import dev.palisade.sidecar.identity.IssuedIdentity;
import dev.palisade.sidecar.tls.TlsMaterial;
import dev.palisade.testing.OperatorStack;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sidecar's clients against the real operator: it obtains its certificate, long-polls its
 * configuration with it, sees a policy change, and keeps its configuration when the operator goes
 * away.
 */
class SidecarConfigPollerIT {

  private static final String NS = "sidecar-clients-it";
  private static OperatorStack stack;

  @BeforeAll
  static void start() {
    stack = new OperatorStack("sidecar-clients.it", NS);
  }

  @AfterAll
  static void stop() throws Exception {
    stack.close();
  }

  @Test
  void pollsItsConfigurationSeesAChangeAndKeepsItWhenTheOperatorIsGone() throws Exception {
    await("ready").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(stack.bundle()).anySatisfy(root -> assertThat(
            root.getSubjectX500Principal().getName()).contains("O=sidecar-clients.it")));
    stack.workloads.serviceAccount("orders");
    var pod = stack.admin.pods().inNamespace(NS).resource(new PodBuilder()
        .withNewMetadata().withName("orders-0").addToLabels("palisade.dev/proxy", "injected")
        .addToLabels("app", "orders").endMetadata()
        .withNewSpec().withServiceAccountName("orders")
        .addNewContainer().withName("app").withImage("registry.invalid/orders:1").endContainer()
        .endSpec().build()).create();
    Path token = Files.createTempFile("token", "");
    Files.writeString(token, stack.workloads.token(pod, "palisade"));
    var bundle = stack.bundle();
    IssuedIdentity identity = await("certificate").atMost(Duration.ofSeconds(60)).until(() -> {
      try {
        return new IdentityClient(URI.create(stack.https("/v1/certificates")), token,
            () -> bundle, KeyType.ECDSA_P256).fetch();
      } catch (Exception e) {
        return null;
      }
    }, java.util.Objects::nonNull);
    TlsMaterial material = new TlsMaterial(identity.chain(), identity.key(), identity.trustBundle());
    List<SidecarConfig> applied = new CopyOnWriteArrayList<>();
    List<List<java.security.cert.X509Certificate>> bundles = new CopyOnWriteArrayList<>();

    try (ConfigPoller poller = new ConfigPoller(URI.create(stack.https("/")), "orders-0",
        () -> Optional.of(material), update -> {
          bundles.add(update.trustBundle());
          applied.add(update.config());
        },
        new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1))).start()) {
      await("first configuration").atMost(Duration.ofSeconds(60)).until(() -> !applied.isEmpty());
      assertThat(applied.getLast().inbound().rules()).isEmpty();
      assertThat(bundles.getLast()).as("the trust domain's roots come with the configuration")
          .isNotEmpty().isEqualTo(identity.trustBundle());

      AccessPolicy policy = new AccessPolicy();
      policy.getMetadata().setName("orders-callers");
      policy.getMetadata().setNamespace(NS);
      policy.setSpec(new AccessPolicySpec());
      policy.getSpec().action = PolicyAction.ALLOW;
      AccessPolicySpec.Rule rule = new AccessPolicySpec.Rule();
      rule.namespaces = List.of("frontend");
      policy.getSpec().rules = List.of(rule);
      stack.admin.resource(policy).create();
      await("policy change delivered").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(applied.getLast().inbound().rules()).singleElement()
              .satisfies(r -> assertThat(r.action()).isEqualTo(PolicyAction.ALLOW)));

      int before = applied.size();
      SidecarConfig inForce = applied.getLast();
      stack.servers.close(); // the operator goes away
      // The poller fails and retries, again and again; nothing replaces the configuration in force.
      // A long-poll held when the server stops may only end at its read timeout (poll + 15 s).
      await("poller notices").atMost(Duration.ofSeconds(150))
          .until(() -> poller.consecutiveFailures() >= 3);
      assertThat(applied).hasSize(before);
      assertThat(applied.getLast()).isSameAs(inForce);
    }
  }
}
