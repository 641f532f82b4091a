package dev.palisade.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.api.v1alpha1.MeshPolicy;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.api.v1alpha1.PolicyStatus;
import dev.palisade.api.v1alpha1.Status;
import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.api.v1alpha1.TrustDomainStatus;
import dev.palisade.api.v1alpha1.WorkloadCertificate;
import dev.palisade.api.v1alpha1.WorkloadCertificateStatus;
import dev.palisade.testing.CommandLine;
import dev.palisade.testing.ControlPlane;
import dev.palisade.testing.Kubectl;
import dev.palisade.testing.PalisadeApi;
import dev.palisade.testing.RepoFiles;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generated CRDs and the examples on a real kube-apiserver. */
class ApiIT {

  private static final String NAMESPACE = "demo";
  private static ControlPlane controlPlane;
  private static KubernetesClient client;

  @BeforeAll
  static void installApi() {
    controlPlane = ControlPlane.get();
    client = controlPlane.adminClient();
    PalisadeApi.install(client);
  }

  @AfterAll
  static void closeClient() {
    client.close();
  }

  @Test
  void runsAgainstTheKubernetesReleaseWeBuilt() {
    assertThat(client.getKubernetesVersion().getGitVersion())
        .isEqualTo("v" + ControlPlane.KUBE_VERSION)
        .startsWith("v1.34.");
    CommandLine.Result kubectl = new Kubectl(controlPlane).run("version", "--client", "-o", "json");
    assertThat(kubectl.stdout()).contains("\"gitVersion\": \"v" + ControlPlane.KUBE_VERSION + "\"");
  }

  @Test
  void everyExampleIsAcceptedByKubectlApplyAndShowsInKubectlGet() throws IOException {
    Kubectl kubectl = new Kubectl(controlPlane);
    for (Path example : examples()) {
      CommandLine.Result result = kubectl.run("apply", "-f", example.toString());
      assertThat(result.succeeded()).as("kubectl apply -f %s: %s", example, result.stderr()).isTrue();
    }
    assertThat(kubectl.run("get", "trustdomains").stdout())
        .contains("TRUST DOMAIN", "READY", "ROOT EXPIRES", "cluster.local");
    assertThat(kubectl.run("get", "wcert", "-n", NAMESPACE).stdout())
        .contains("SPIFFE ID", "SECRET", "spiffe://cluster.local/ns/demo/sa/billing-job",
            "billing-job-tls");
    assertThat(kubectl.run("get", "mp", "-n", NAMESPACE).stdout())
        .contains("MODE", "WORKLOADS", "shop-strict", "STRICT");
    assertThat(kubectl.run("get", "ap", "-n", NAMESPACE).stdout())
        .contains("ACTION", "shop-callers", "ALLOW");
  }

  @Test
  void examplesRoundTripThroughTheJavaModelWithDefaultsApplied() throws IOException {
    applyExamplesWithFabric8();
    TrustDomain td = client.resources(TrustDomain.class).withName("cluster.local").get();
    assertThat(td.getSpec().trustDomain).isEqualTo("cluster.local");
    assertThat(td.getSpec().root.generate.keyAlgorithm).hasToString("ECDSA_P256");
    assertThat(td.getSpec().issuer.keyAlgorithm)
        .as("defaulted by the schema").hasToString("ECDSA_P256");

    WorkloadCertificate wc = client.resources(WorkloadCertificate.class).inNamespace(NAMESPACE)
        .withName("billing-job").get();
    assertThat(wc.getSpec().keyAlgorithm).as("defaulted by the schema").hasToString("ECDSA_P256");
    assertThat(client.resources(MeshPolicy.class).inNamespace(NAMESPACE).withName("shop-strict")
        .get().getSpec().ports).hasSize(1);
    assertThat(client.resources(AccessPolicy.class).inNamespace(NAMESPACE).withName("shop-callers")
        .get().getSpec().rules).hasSize(2);
  }

  @Test
  void statusOfEveryKindCanBeWrittenThroughTheSubresource() throws IOException {
    applyExamplesWithFabric8();
    TrustDomainStatus tdStatus = withReadyCondition(TrustDomainStatus::new);
    tdStatus.bundleRoots = 1;
    writeStatus(client.resources(TrustDomain.class).withName("cluster.local").get(), tdStatus);

    WorkloadCertificateStatus wcStatus = withReadyCondition(WorkloadCertificateStatus::new);
    wcStatus.notAfter = "2026-11-28T00:00:00Z";
    writeStatus(client.resources(WorkloadCertificate.class).inNamespace(NAMESPACE)
        .withName("billing-job").get(), wcStatus);

    PolicyStatus mpStatus = withReadyCondition(PolicyStatus::new);
    mpStatus.selectedWorkloads = 3;
    writeStatus(client.resources(MeshPolicy.class).inNamespace(NAMESPACE)
        .withName("shop-strict").get(), mpStatus);
    writeStatus(client.resources(AccessPolicy.class).inNamespace(NAMESPACE)
        .withName("shop-callers").get(), withReadyCondition(PolicyStatus::new));

    TrustDomain td = client.resources(TrustDomain.class).withName("cluster.local").get();
    assertThat(td.getStatus().bundleRoots).isEqualTo(1);
    assertThat(td.getStatus().conditions).singleElement()
        .satisfies(c -> assertThat(c.getObservedGeneration()).isEqualTo(td.getMetadata().getGeneration()));
    assertThat(client.resources(WorkloadCertificate.class).inNamespace(NAMESPACE)
        .withName("billing-job").get().getStatus().notAfter).isEqualTo("2026-11-28T00:00:00Z");
    assertThat(new Kubectl(controlPlane).run("get", "mp", "shop-strict", "-n", NAMESPACE).stdout())
        .containsPattern("shop-strict\\s+\\S+\\s+STRICT\\s+True\\s+3"); // NAME AGE MODE READY WORKLOADS
  }

  @Test
  void writingTheSpecKeepsTheStatus() {
    MeshPolicy policy = new MeshPolicy();
    policy.getMetadata().setName("status-survives-spec-edits");
    policy.getMetadata().setNamespace(NAMESPACE);
    policy.setSpec(new dev.palisade.api.v1alpha1.MeshPolicySpec());
    policy.getSpec().mode = MtlsMode.STRICT;
    var resource = client.resources(MeshPolicy.class).inNamespace(NAMESPACE)
        .resource(policy).createOr(existing -> existing.update());
    PolicyStatus status = withReadyCondition(PolicyStatus::new);
    status.selectedWorkloads = 7;
    writeStatus(resource, status);
    long generation = client.resource(resource).get().getMetadata().getGeneration();

    client.resources(MeshPolicy.class).inNamespace(NAMESPACE).withName(policy.getMetadata().getName())
        .edit(mp -> {
          mp.getSpec().mode = MtlsMode.PERMISSIVE;
          return mp;
        });

    MeshPolicy after = client.resource(resource).get();
    assertThat(after.getSpec().mode).isEqualTo(MtlsMode.PERMISSIVE);
    assertThat(after.getMetadata().getGeneration()).isEqualTo(generation + 1);
    assertThat(after.getStatus().selectedWorkloads).isEqualTo(7);
  }

  private static <S extends Status> S withReadyCondition(Supplier<S> factory) {
    S status = factory.get();
    status.conditions.add(new ConditionBuilder().withType("Ready").withStatus("True")
        .withReason("Tested").withMessage("written by ApiIT")
        .withLastTransitionTime("2026-11-27T00:00:00Z").build());
    return status;
  }

  private static <S extends Status, R extends CustomResource<?, S>> void writeStatus(R resource,
      S status) {
    status.observedGeneration = resource.getMetadata().getGeneration();
    status.conditions.forEach(c -> c.setObservedGeneration(status.observedGeneration));
    resource.setStatus(status);
    client.resource(resource).updateStatus();
  }

  private static void applyExamplesWithFabric8() throws IOException {
    for (Path example : examples()) {
      try (InputStream in = Files.newInputStream(example)) {
        for (HasMetadata resource : client.load(in).items()) {
          client.resource(resource).forceConflicts().serverSideApply();
        }
      }
    }
  }

  private static java.util.List<Path> examples() throws IOException {
    try (var files = Files.list(RepoFiles.resolve("examples"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }
}
