package dev.palisade.operator.reconciler.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.operator.watch.SharedWatches;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.javaoperatorsdk.operator.api.config.BaseConfigurationService;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookCaBundleReconcilerTest {

  @Test
  void patchesOnlyTheWebhooksWhoseBundleDiffersGuardedByTheirNames() {
    List<MutatingWebhook> webhooks = List.of(
        webhook("namespaces.inject.palisade.dev", "QUJD"),
        webhook("pods.inject.palisade.dev", null));

    assertThat(WebhookCaBundleReconciler.patch(webhooks, "QUJD").toString()).isEqualTo("""
        [{"op":"test","path":"/webhooks/1/name","value":"pods.inject.palisade.dev"},\
        {"op":"add","path":"/webhooks/1/clientConfig/caBundle","value":"QUJD"}]""");
  }

  @Test
  void nothingToDoWhenEveryBundleIsCurrent() {
    assertThat(WebhookCaBundleReconciler.patch(
        List.of(webhook("namespaces.inject.palisade.dev", "QUJD")), "QUJD")).isEmpty();
  }

  @Test
  void watchesOnlyTheConfigurationItWasGiven() {
    WebhookCaBundleReconciler reconciler = new WebhookCaBundleReconciler(
        new SharedWatches(null, "team-a", Clock.systemUTC()).caSecrets(), "cluster.local",
        "mesh-palisade-inject");

    ControllerConfiguration<MutatingWebhookConfiguration> configuration =
        reconciler.configuration(new BaseConfigurationService());

    // RBAC's resourceNames lets list and watch through only with this field selector.
    assertThat(configuration.getInformerConfig().getFieldSelector().getFields())
        .containsExactly(new FieldSelector.Field("metadata.name", "mesh-palisade-inject"));
    assertThat(configuration.getName()).isEqualTo("webhook-ca-bundle");
    assertThat(configuration.isGenerationAware()).isFalse();
  }

  private static MutatingWebhook webhook(String name, String caBundle) {
    return new MutatingWebhookBuilder().withName(name)
        .withNewClientConfig().withCaBundle(caBundle).withUrl("https://localhost/mutate-pods")
        .endClientConfig().build();
  }
}
