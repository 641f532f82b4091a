package dev.palisade.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.api.v1alpha1.MeshPolicy;
import dev.palisade.api.v1alpha1.MeshPolicySpec;
import dev.palisade.common.config.ConfigDocument;
import dev.palisade.common.revocation.Revocations;
import dev.palisade.common.spiffe.SpiffeId;
import java.math.BigInteger;
import java.util.Set;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.operator.http.Json;
import dev.palisade.operator.policy.PolicySnapshot;
import dev.palisade.operator.policy.Workload;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The document a workload gets, from policies and bundle alone: no cluster, no threads. */
class ConfigRendererTest {

  private static final Workload WEB = FakeCluster.pod("shop", "web-0", "web", true, "10.0.0.1",
      Map.of("app", "web", Workload.PROXY_LABEL, Workload.PROXY_INJECTED), Map.of());
  private static final PolicySnapshot NO_POLICIES =
      new PolicySnapshot(FakeCluster.OPERATOR_NS, List.of(), List.of());

  private final ConfigRenderer renderer = new ConfigRenderer("cluster.local",
      Duration.ofSeconds(30));

  @Test
  void rendersTheWireDocumentWithItsVersion() throws Exception {
    PublishedConfig web = renderer.render(WEB, NO_POLICIES, "ROOTS", Revocations.NONE, null);
    ConfigDocument document = Json.MAPPER.readValue(web.body(), ConfigDocument.class);
    assertThat(document.version()).isEqualTo(web.version()).hasSize(16);
    assertThat(document.spiffeId()).isEqualTo("spiffe://cluster.local/ns/shop/sa/web");
    assertThat(document.inbound().defaultMode()).isEqualTo(MtlsMode.STRICT);
    assertThat(document.outbound().destinations()).isEqualTo("/v1/destinations");
    assertThat(document.trustBundle()).isEqualTo("ROOTS");
    assertThat(document.pollTimeoutSeconds()).isEqualTo(30);
    JsonNode json = Json.MAPPER.readTree(web.body());
    assertThat(json.fieldNames()).toIterable().containsExactly("version", "spiffeId", "inbound",
        "outbound", "trustBundle", "pollTimeoutSeconds");
  }

  @Test
  void equalInputsGiveEqualBytesAndVersions() {
    PublishedConfig one = renderer.render(WEB, NO_POLICIES, "ROOTS", Revocations.NONE, null);
    PublishedConfig two = new ConfigRenderer("cluster.local", Duration.ofSeconds(30))
        .render(WEB, NO_POLICIES, "ROOTS", Revocations.NONE, null);
    assertThat(two.version()).isEqualTo(one.version());
    assertThat(two.body()).isEqualTo(one.body());
  }

  @Test
  void anUnchangedWorkloadKeepsItsRenderingAndAChangedOneGetsANewVersion() {
    PublishedConfig before = renderer.render(WEB, NO_POLICIES, "ROOTS", Revocations.NONE, null);
    assertThat(renderer.render(WEB, NO_POLICIES, "ROOTS", Revocations.NONE, before)).isSameAs(before);

    PolicySnapshot permissive = new PolicySnapshot(FakeCluster.OPERATOR_NS,
        List.of(permissive("shop")), List.of());
    PublishedConfig policyChanged = renderer.render(WEB, permissive, "ROOTS", Revocations.NONE, before);
    assertThat(policyChanged.version()).isNotEqualTo(before.version());
    assertThat(policyChanged.inbound().defaultMode()).isEqualTo(MtlsMode.PERMISSIVE);

    assertThat(renderer.render(WEB, NO_POLICIES, "ROOTS-2", Revocations.NONE, before).version())
        .as("a new bundle is a new document").isNotEqualTo(before.version());
  }

  @Test
  void revocationsAreInTheDocumentSortedAndANewOneIsANewVersion() throws Exception {
    PublishedConfig before = renderer.render(WEB, NO_POLICIES, "ROOTS", Revocations.NONE, null);
    Revocations revoked = new Revocations(Set.of(new BigInteger("ff01", 16), BigInteger.TEN),
        Set.of(SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/web"),
            SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/cart")));

    PublishedConfig after = renderer.render(WEB, NO_POLICIES, "ROOTS", revoked, before);

    assertThat(after.version()).isNotEqualTo(before.version());
    ConfigDocument document = Json.MAPPER.readValue(after.body(), ConfigDocument.class);
    assertThat(document.revocations().serials()).containsExactly("a", "ff01");
    assertThat(document.revocations().identities()).containsExactly(
        "spiffe://cluster.local/ns/shop/sa/cart", "spiffe://cluster.local/ns/shop/sa/web");
    assertThat(document.toSidecarConfig().revocations()).isEqualTo(revoked);
    assertThat(renderer.render(WEB, NO_POLICIES, "ROOTS", revoked, after)).isSameAs(after);
  }

  private static MeshPolicy permissive(String namespace) {
    MeshPolicy policy = new MeshPolicy();
    policy.getMetadata().setNamespace(namespace);
    policy.getMetadata().setName("permissive");
    policy.setSpec(new MeshPolicySpec());
    policy.getSpec().mode = MtlsMode.PERMISSIVE;
    return policy;
  }
}
