package dev.palisade.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The operator's identity as the chart installs it: the chart is rendered with the real helm,
 * its ServiceAccount and RBAC applied, and a client made from a token of that ServiceAccount.
 * Code under test uses this client, so a permission the chart forgot fails the test.
 */
public final class OperatorServiceAccount {

  public static final String NAMESPACE = "palisade-system";
  public static final String NAME = "palisade-operator";

  private static final Set<String> RBAC_KINDS = Set.of("ServiceAccount", "ClusterRole",
      "ClusterRoleBinding", "Role", "RoleBinding");

  private OperatorServiceAccount() {}

  /** Installs the chart's RBAC (idempotent) and returns a client acting as the operator. */
  public static KubernetesClient client(ControlPlane controlPlane) {
    try (KubernetesClient admin = controlPlane.adminClient()) {
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
          .endMetadata().build()).createOr(existing -> existing.update());
      String manifests = new Helm(controlPlane).template(NAMESPACE);
      for (HasMetadata resource : admin.load(new ByteArrayInputStream(
          manifests.getBytes(StandardCharsets.UTF_8))).items()) {
        if (RBAC_KINDS.contains(resource.getKind())) {
          admin.resource(resource).forceConflicts().serverSideApply();
        }
      }
      String token = admin.serviceAccounts().inNamespace(NAMESPACE).withName(NAME)
          .tokenRequest(new TokenRequestBuilder().withNewSpec()
              .withExpirationSeconds(3600L).endSpec().build())
          .getStatus().getToken();
      // Same server and CA as the admin, but authenticated by the token alone.
      Config config = new ConfigBuilder(admin.getConfiguration())
          .withClientCertData(null).withClientCertFile(null)
          .withClientKeyData(null).withClientKeyFile(null)
          .withOauthToken(token)
          .withNamespace(NAMESPACE)
          .build();
      return new KubernetesClientBuilder().withConfig(config).build();
    }
  }
}
