package dev.palisade.operator.injection;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * AdmissionReviews of a typical pod creation, as the API server sends them: what the webhook is
 * warmed with at start ({@link PodInjectionWebhook#warmUp}) and the AOT training run sends.
 */
public final class WarmUpReviews {

  private WarmUpReviews() {}

  public static Pod pod() {
    return new PodBuilder().withNewMetadata().withName("app-0").withNamespace("demo")
        .endMetadata().withNewSpec().withServiceAccountName("app").addNewContainer()
        .withName("app").withImage("app:1").endContainer().endSpec().build();
  }

  /** The {@code i}th review: the pod named {@code app-<i>}. */
  public static String review(int i) {
    Pod named = new PodBuilder(pod()).editMetadata().withName("app-" + i).endMetadata().build();
    return Serialization.asJson(Map.of(
        "apiVersion", "admission.k8s.io/v1",
        "kind", "AdmissionReview",
        "request", Map.of(
            "uid", "warm-up-" + i,
            "kind", Map.of("group", "", "version", "v1", "kind", "Pod"),
            "resource", Map.of("group", "", "version", "v1", "resource", "pods"),
            "namespace", "demo",
            "operation", "CREATE",
            "object", named)));
  }

  static byte[] reviewBytes(int i) {
    return review(i).getBytes(StandardCharsets.UTF_8);
  }
}
