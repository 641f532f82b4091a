package dev.palisade.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.common.pki.Pem;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Workloads as the CSR endpoint sees them, made with the admin client in one namespace: service
 * accounts, pods (never scheduled: there is no kubelet, but the API server gives them a UID and
 * binds tokens to them), and real projected tokens from the TokenRequest API.
 */
public final class Workloads {

  private static final String FINALIZER = "palisade.dev/test-hold";

  private final ControlPlane controlPlane;
  private final KubernetesClient admin;
  private final String namespace;

  public Workloads(ControlPlane controlPlane, KubernetesClient admin, String namespace) {
    this.controlPlane = controlPlane;
    this.admin = admin;
    this.namespace = namespace;
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
        .endMetadata().build()).createOr(existing -> existing.update());
  }

  public String namespace() {
    return namespace;
  }

  public void serviceAccount(String name) {
    admin.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder()
        .withNewMetadata().withName(name).endMetadata().build()).createOr(existing -> existing.update());
  }

  /** A pod running as {@code serviceAccount}, as the API server stored it (with its UID). */
  public Pod pod(String name, String serviceAccount) {
    return pod(name, serviceAccount, Map.of());
  }

  /** A pod with {@code labels}, e.g. {@code palisade.dev/proxy=injected} as injection sets it. */
  public Pod pod(String name, String serviceAccount, Map<String, String> labels) {
    return admin.pods().inNamespace(namespace).resource(new PodBuilder()
        .withNewMetadata().withName(name).withLabels(labels).endMetadata()
        .withNewSpec()
        .withServiceAccountName(serviceAccount)
        .addNewContainer().withName("app").withImage("registry.invalid/app:1").endContainer()
        .endSpec()
        .build()).create();
  }

  /** Replaces the pod's labels. */
  public Pod relabel(Pod pod, Map<String, String> labels) {
    return admin.pods().inNamespace(namespace).withName(pod.getMetadata().getName())
        .edit(p -> new PodBuilder(p).editMetadata().withLabels(labels).endMetadata().build());
  }

  /**
   * Gives the pod an IP and phase Running through the status subresource, as the kubelet would
   * once the pod is scheduled (there is no kubelet here).
   */
  public Pod running(Pod pod, String ip) {
    return admin.pods().inNamespace(namespace).withName(pod.getMetadata().getName())
        .editStatus(p -> new PodBuilder(p).editOrNewStatus().withPhase("Running").withPodIP(ip)
            .withPodIPs(new io.fabric8.kubernetes.api.model.PodIP(ip)).endStatus().build());
  }

  /** A token of the pod's service account, bound to the pod, for {@code audience}, 10 minutes. */
  public String token(Pod pod, String audience) {
    return admin.serviceAccounts().inNamespace(namespace)
        .withName(pod.getSpec().getServiceAccountName())
        .tokenRequest(new TokenRequestBuilder().withNewSpec()
            .withAudiences(audience)
            .withExpirationSeconds(600L)
            .withNewBoundObjectRef().withKind("Pod").withApiVersion("v1")
            .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid())
            .endBoundObjectRef()
            .endSpec().build())
        .getStatus().getToken();
  }

  /** A token of {@code serviceAccount} for {@code audience} bound to nothing, as a legacy one. */
  public String unboundToken(String serviceAccount, String audience) {
    return admin.serviceAccounts().inNamespace(namespace).withName(serviceAccount)
        .tokenRequest(new TokenRequestBuilder().withNewSpec()
            .withAudiences(audience).withExpirationSeconds(600L).endSpec().build())
        .getStatus().getToken();
  }

  /** Deletes the pod at once (an unscheduled pod has no grace period). */
  public void delete(Pod pod) {
    admin.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).delete();
  }

  /**
   * Deletes the pod but holds it with a finalizer, so it stays, terminating, with a
   * deletionTimestamp, as a pod does during its grace period. {@link #release} lets it go.
   */
  public Pod terminate(Pod pod) {
    var resource = admin.pods().inNamespace(namespace).withName(pod.getMetadata().getName());
    resource.edit(p -> new PodBuilder(p).editMetadata().addToFinalizers(FINALIZER).endMetadata()
        .build());
    resource.delete();
    return resource.get();
  }

  public void release(Pod pod) {
    admin.pods().inNamespace(namespace).withName(pod.getMetadata().getName())
        .edit(p -> new PodBuilder(p).editMetadata().removeFromFinalizers(FINALIZER).endMetadata()
            .build());
  }

  /**
   * {@code token} with its validity moved an hour into the past and signed again with the API
   * server's own service account key. TokenRequest cannot mint such a token (ten minutes is its
   * shortest lifetime), and this one differs from a valid one in nothing but its expiry.
   */
  public String expiredCopy(String token) {
    String[] parts = token.split("\\.");
    try {
      ObjectMapper json = new ObjectMapper();
      ObjectNode claims = (ObjectNode) json.readTree(Base64.getUrlDecoder().decode(parts[1]));
      long now = Instant.now().getEpochSecond();
      claims.put("iat", now - 7200).put("nbf", now - 7200).put("exp", now - 3600);
      String signed = parts[0] + "." + base64Url(json.writeValueAsBytes(claims));
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initSign(Pem.parsePrivateKey(Files.readString(
          controlPlane.serviceAccountSigningKey())));
      rs256.update(signed.getBytes(StandardCharsets.US_ASCII));
      return signed + "." + base64Url(rs256.sign());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Pods left holding a finalizer would keep the namespace from ever going away. */
  public void releaseAll() {
    for (Pod pod : admin.pods().inNamespace(namespace).list().getItems()) {
      List<String> finalizers = pod.getMetadata().getFinalizers();
      if (finalizers != null && finalizers.contains(FINALIZER)) {
        release(pod);
      }
    }
  }
}
