package dev.palisade.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.api.v1alpha1.WorkloadCertificate;
import dev.palisade.api.v1alpha1.WorkloadCertificateSpec;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.testing.CommandLine;
import dev.palisade.testing.ControlPlane;
import dev.palisade.testing.Kubectl;
import dev.palisade.testing.PalisadeApi;
import dev.palisade.testing.RepoFiles;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every apply-time rule of the API rejects a bad object with the message documented in
 * docs/api.md, through fabric8 and through the real kubectl. Each file in
 * src/test/resources/invalid/ is one bad object, its first "# expect:" line the message.
 */
class ValidationIT {

  private static final String NAMESPACE = "demo";
  private static final Path INVALID = Path.of("src", "test", "resources", "invalid");
  private static ControlPlane controlPlane;
  private static KubernetesClient client;

  @BeforeAll
  static void installApi() {
    controlPlane = ControlPlane.get();
    client = controlPlane.adminClient();
    PalisadeApi.install(client);
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
        .endMetadata().build()).createOr(existing -> existing.update());
    // The admission policy is enforced once the API server has compiled it; wait for that.
    await("WorkloadCertificate namespace policy enforced").atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThatThrownBy(
            () -> dryRunCreate(workloadCertificate("spiffe://cluster.local/ns/other/sa/x")))
            .hasMessageContaining("may only name identities of its own namespace"));
  }

  @AfterAll
  static void closeClient() {
    client.close();
  }

  static List<Path> invalidObjects() throws IOException {
    try (Stream<Path> files = Files.list(INVALID)) {
      return files.sorted().toList();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidObjects")
  void fabric8CreateIsRejectedWithTheDocumentedMessage(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      var resource = client.load(in).inNamespace(NAMESPACE);
      assertThatThrownBy(resource::create)
          .isInstanceOf(KubernetesClientException.class)
          .hasMessageContaining(expectedMessage(file));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidObjects")
  void kubectlApplyIsRejectedWithTheDocumentedMessage(Path file) {
    CommandLine.Result result = new Kubectl(controlPlane).apply(file.toAbsolutePath(), NAMESPACE);
    assertThat(result.exitCode()).as("kubectl apply exit code").isNotZero();
    assertThat(result.stderr()).contains(expectedMessage(file));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidObjects")
  void everyRejectionMessageIsDocumented(Path file) throws IOException {
    assertThat(Files.readString(RepoFiles.resolve("docs/api.md")))
        .as("docs/api.md lists the message of %s", file.getFileName())
        .contains("`" + expectedMessage(file) + "`");
  }

  @Test
  void trustDomainNameIsImmutable() throws IOException {
    try (InputStream in = Files.newInputStream(RepoFiles.resolve("examples/10-trustdomain.yaml"))) {
      client.load(in).forceConflicts().serverSideApply();
    }
    var resource = client.resources(TrustDomain.class).withName("cluster.local");
    assertThatThrownBy(() -> resource.edit(td -> {
      td.getSpec().trustDomain = "renamed.local";
      return td;
    })).hasMessageContaining("spec.trustDomain: Invalid value: \"string\": is immutable");
    assertThat(resource.get().getSpec().trustDomain).isEqualTo("cluster.local");
  }

  /**
   * The API server (CRD CEL plus the admission policy) and the Java parser the operator uses must
   * agree on which workload identities a WorkloadCertificate in namespace "demo" may name.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "spiffe://cluster.local/ns/demo/sa/billing",
      "spiffe://td_with-all.chars/ns/demo/sa/a.b-c",
      "spiffe://cluster.local/ns/demo/sa/billing/extra",
      "spiffe://cluster.local/ns/demo/sa/",
      "spiffe://cluster.local/ns/demo/sa/-billing",
      "spiffe://cluster.local/ns/demo/sa/billing.",
      "spiffe://cluster.local/ns/demo/sa/Billing",
      "spiffe://Cluster.local/ns/demo/sa/billing",
      "spiffe://cluster.local:8443/ns/demo/sa/billing",
      "spiffe://cluster.local/ns/demo/sa/bill%20ing",
      "spiffe://cluster.local/ns/demo-x/sa/billing",
      "spiffe://cluster.local/ns/dem/sa/billing",
      "spiffe://cluster.local/ns/demo/serviceaccount/billing",
      "spiffe:///ns/demo/sa/billing",
      "https://cluster.local/ns/demo/sa/billing",
  })
  void apiServerAndJavaAgreeOnWorkloadIdentities(String spiffeId) {
    boolean javaAccepts = javaAccepts(spiffeId);
    boolean apiServerAccepts;
    try {
      dryRunCreate(workloadCertificate(spiffeId));
      apiServerAccepts = true;
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).as(e.getMessage()).isIn(403, 422);
      apiServerAccepts = false;
    }
    assertThat(apiServerAccepts).as("API server accepts %s", spiffeId).isEqualTo(javaAccepts);
  }

  private static boolean javaAccepts(String spiffeId) {
    try {
      return WorkloadIdentity.parse(spiffeId).namespace().equals(NAMESPACE);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static WorkloadCertificate workloadCertificate(String spiffeId) {
    WorkloadCertificate wc = new WorkloadCertificate();
    wc.getMetadata().setGenerateName("agreement-");
    wc.getMetadata().setNamespace(NAMESPACE);
    wc.setSpec(new WorkloadCertificateSpec());
    wc.getSpec().spiffeId = spiffeId;
    wc.getSpec().secretName = "agreement-tls";
    return wc;
  }

  private static void dryRunCreate(WorkloadCertificate wc) {
    client.resource(wc).dryRun().create();
  }

  private static String expectedMessage(Path file) {
    try {
      return Files.readAllLines(file).stream()
          .filter(line -> line.startsWith("# expect: "))
          .map(line -> line.substring("# expect: ".length()))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException(file + " has no '# expect:' line"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
