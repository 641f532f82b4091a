package dev.palisade.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.api.v1alpha1.MeshPolicy;
import dev.palisade.api.v1alpha1.MeshPolicySpec;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.testing.ControlPlane;
import dev.palisade.testing.OperatorServiceAccount;
import dev.palisade.testing.PalisadeApi;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The chart's RBAC, as the real API server enforces it for the operator's ServiceAccount. */
class OperatorRbacIT {

  private static KubernetesClient operator;

  @BeforeAll
  static void setUp() {
    ControlPlane controlPlane = ControlPlane.get();
    try (KubernetesClient admin = controlPlane.adminClient()) {
      PalisadeApi.install(admin);
    }
    operator = OperatorServiceAccount.client(controlPlane);
  }

  @AfterAll
  static void close() {
    operator.close();
  }

  @Test
  void actsAsItsServiceAccount() {
    var review = operator.authentication().v1().selfSubjectReviews().create(
        new io.fabric8.kubernetes.api.model.authentication.SelfSubjectReviewBuilder().build());
    assertThat(review.getStatus().getUserInfo().getUsername())
        .isEqualTo("system:serviceaccount:palisade-system:palisade-operator");
  }

  @Test
  void mayReviewTokensAndReadPalisadeObjects() {
    var review = operator.authentication().v1().tokenReviews().create(new TokenReviewBuilder()
        .withNewSpec().withToken("not-a-token").withAudiences("palisade").endSpec().build());
    assertThat(review.getStatus().getAuthenticated()).isNotEqualTo(Boolean.TRUE);
    assertThat(operator.resources(MeshPolicy.class).inAnyNamespace().list().getItems()).isNotNull();
  }

  @Test
  void mayNotWriteSpecsOrDeleteNamespaces() {
    MeshPolicy policy = new MeshPolicy();
    policy.getMetadata().setName("written-by-operator");
    policy.getMetadata().setNamespace("default");
    policy.setSpec(new MeshPolicySpec());
    policy.getSpec().mode = MtlsMode.STRICT;
    assertThatThrownBy(() -> operator.resource(policy).create())
        .isInstanceOfSatisfying(KubernetesClientException.class,
            e -> assertThat(e.getCode()).isEqualTo(403));
    assertThatThrownBy(() -> operator.namespaces().withName("default").delete())
        .isInstanceOfSatisfying(KubernetesClientException.class,
            e -> assertThat(e.getCode()).isEqualTo(403));
  }

  /** Events are only created (EventRecorder); Secrets are never deleted. */
  @Test
  void mayCreateEventsButNotReadOrChangeThemNorDeleteSecrets() {
    assertThatThrownBy(() -> operator.v1().events().inNamespace("default").list())
        .isInstanceOfSatisfying(KubernetesClientException.class,
            e -> assertThat(e.getCode()).isEqualTo(403));
    assertThatThrownBy(() -> operator.secrets().inNamespace("default").withName("any").delete())
        .isInstanceOfSatisfying(KubernetesClientException.class,
            e -> assertThat(e.getCode()).isEqualTo(403));
  }
}
