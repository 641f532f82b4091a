package dev.palisade.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.api.v1alpha1.MeshPolicy;
import dev.palisade.api.v1alpha1.MeshPolicySpec;
import dev.palisade.common.config.DestinationDocument;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.operator.policy.PolicyCompiler;
import dev.palisade.operator.policy.Workload;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Destination lookups as a table: address and port in, meshed or not (and why) out. */
class DestinationResolverTest {

  private static final Map<String, String> WEB = Map.of("app", "web",
      Workload.PROXY_LABEL, Workload.PROXY_INJECTED);

  private final FakeCluster cluster = new FakeCluster()
      .add(FakeCluster.pod("shop", "web-0", "web", true, "10.0.0.1", WEB, Map.of("http", 8080)))
      .add(FakeCluster.pod("shop", "web-1", "web-canary", true, "10.0.0.2", WEB,
          Map.of("http", 8081)))
      .add(FakeCluster.pod("shop", "legacy-0", "legacy", false, "10.0.0.3",
          Map.of("app", "legacy"), Map.of()))
      .add(FakeCluster.pod("shop", "mixed-0", "mixed", true, "10.0.0.4",
          Map.of("app", "mixed", Workload.PROXY_LABEL, Workload.PROXY_INJECTED), Map.of()))
      .add(FakeCluster.pod("shop", "mixed-1", "mixed", false, "10.0.0.5",
          Map.of("app", "mixed"), Map.of()))
      .add(FakeCluster.pod("v6", "web-0", "web", true, "fd00::10", WEB, Map.of()));

  {
    cluster.services.put("shop/web", new ServiceView("shop", "web", List.of("10.96.0.10"),
        Map.of("app", "web"), List.of(
            new ServiceView.PortView(80, "TCP", null, "http"),
            new ServiceView.PortView(9090, "TCP", 9090, null),
            new ServiceView.PortView(53, "UDP", 53, null))));
    cluster.services.put("shop/legacy", new ServiceView("shop", "legacy", List.of("10.96.0.11"),
        Map.of("app", "legacy"), List.of(new ServiceView.PortView(80, "TCP", 8080, null))));
    cluster.services.put("shop/mixed", new ServiceView("shop", "mixed", List.of("10.96.0.12"),
        Map.of("app", "mixed"), List.of(new ServiceView.PortView(80, "TCP", 8080, null))));
    cluster.services.put("shop/external", new ServiceView("shop", "external",
        List.of("10.96.0.13"), Map.of(), List.of(new ServiceView.PortView(443, "TCP", 443, null))));
    cluster.services.put("shop/none", new ServiceView("shop", "none", List.of("10.96.0.14"),
        Map.of("app", "nothing"), List.of(new ServiceView.PortView(80, "TCP", 80, null))));
    // web-1's port 8081 and everything's 9090 are DISABLE in namespace shop
    MeshPolicy policy = new MeshPolicy();
    policy.getMetadata().setNamespace("shop");
    policy.getMetadata().setName("plaintext-ports");
    policy.setSpec(new MeshPolicySpec());
    MeshPolicySpec.PortMode p8081 = new MeshPolicySpec.PortMode();
    p8081.port = 8081;
    p8081.mode = MtlsMode.DISABLE;
    MeshPolicySpec.PortMode p9090 = new MeshPolicySpec.PortMode();
    p9090.port = 9090;
    p9090.mode = MtlsMode.DISABLE;
    policy.getSpec().ports = List.of(p8081, p9090);
    cluster.meshPolicies.add(policy);
  }

  private final DestinationResolver resolver = new DestinationResolver(cluster, "cluster.local",
      w -> PolicyCompiler.inbound(cluster.policies(), w));

  @ParameterizedTest(name = "{0}:{1} -> {2} {3}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // address   | port | meshed | reason           | identities
      // a pod with the proxy, by its IP
      "10.0.0.1    | 8080 | true   | meshed           | spiffe://cluster.local/ns/shop/sa/web",
      "fd00::10    | 8080 | true   | meshed           | spiffe://cluster.local/ns/v6/sa/web",
      // a port its policy leaves in plaintext
      "10.0.0.1    | 9090 | false  | mtls_disabled    | -",
      // a pod without the proxy
      "10.0.0.3    | 8080 | false  | not_injected     | -",
      // nothing known there
      "10.1.2.3    | 8080 | false  | unknown_address  | -",
      // a Service whose pods all have the proxy: one identity per service account
      "10.96.0.10  | 9090 | false  | mtls_disabled    | -",
      "10.96.0.11  | 80   | false  | not_injected     | -",
      "10.96.0.12  | 80   | false  | partially_meshed | -",
      "10.96.0.13  | 443  | false  | no_endpoints     | -",
      "10.96.0.14  | 80   | false  | no_endpoints     | -",
      "10.96.0.10  | 53   | false  | unknown_port     | -",
      "10.96.0.10  | 81   | false  | unknown_port     | -",
  })
  void resolves(String ip, int port, boolean meshed, String reason, String identities) {
    DestinationDocument answer = resolver.resolve(Addresses.normalize(ip).orElseThrow(), port);
    assertThat(answer.meshed()).isEqualTo(meshed);
    assertThat(answer.reason()).isEqualTo(reason);
    assertThat(answer.identities()).isEqualTo(identities == null ? List.of()
        : List.of(identities.split(",")));
    assertThat(answer.maxAgeSeconds()).isPositive();
  }

  @org.junit.jupiter.api.Test
  void aNamedTargetPortIsResolvedPerPod() {
    // web-0 names 8080 "http" (STRICT), web-1 names 8081 "http" (DISABLE): not all meshed
    assertThat(resolver.resolve("10.96.0.10", 80).reason()).isEqualTo("partially_meshed");
    cluster.pods.remove("shop/web-1");
    DestinationDocument answer = resolver.resolve("10.96.0.10", 80);
    assertThat(answer.meshed()).isTrue();
    assertThat(answer.identities()).containsExactly("spiffe://cluster.local/ns/shop/sa/web");
  }
}
