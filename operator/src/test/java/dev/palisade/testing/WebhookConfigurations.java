package dev.palisade.testing;

import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The chart's injection webhook configuration for tests that let the real API server call a
 * webhook: rendered by the real helm with test values (the URL of a server in the test JVM, a
 * failurePolicy), and confined to namespaces labelled {@value #TEST_LABEL}={@code <value>}, so a
 * configuration left behind (a Fail one pointing at a stopped server!) can never touch another
 * test class's pods. Delete what you create in {@code @AfterAll}.
 */
public final class WebhookConfigurations {

  /** Namespaces a test's webhook configuration may see carry this label. */
  public static final String TEST_LABEL = "palisade.dev/test-webhook";

  private WebhookConfigurations() {}

  /**
   * The chart's {@code palisade-inject}, rendered with {@code setValues} (helm {@code --set}),
   * named {@code name}, every webhook restricted to namespaces labelled
   * {@value #TEST_LABEL}={@code testLabelValue}. Not applied.
   */
  public static MutatingWebhookConfiguration fromChart(ControlPlane controlPlane,
      KubernetesClient client, String name, String testLabelValue, String... setValues) {
    String manifests = new Helm(controlPlane).template(OperatorServiceAccount.NAMESPACE, setValues);
    MutatingWebhookConfiguration configuration = client.load(new ByteArrayInputStream(
            manifests.getBytes(StandardCharsets.UTF_8))).items().stream()
        .filter(MutatingWebhookConfiguration.class::isInstance)
        .map(MutatingWebhookConfiguration.class::cast)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("the chart rendered no webhook configuration"));
    configuration.getMetadata().setName(name);
    for (MutatingWebhook webhook : configuration.getWebhooks()) {
      List<LabelSelectorRequirement> expressions =
          new ArrayList<>(webhook.getNamespaceSelector().getMatchExpressions());
      expressions.add(new LabelSelectorRequirementBuilder().withKey(TEST_LABEL)
          .withOperator("In").withValues(testLabelValue).build());
      webhook.getNamespaceSelector().setMatchExpressions(expressions);
    }
    return configuration;
  }

  /** Deletes the configurations that exist among {@code names}. */
  public static void delete(KubernetesClient client, String... names) {
    for (String name : names) {
      client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name).delete();
    }
  }
}
