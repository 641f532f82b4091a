package dev.palisade.operator.reconciler.webhook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.palisade.common.pki.Pem;
import dev.palisade.operator.ca.CaState;
import dev.palisade.operator.http.Json;
import dev.palisade.operator.watch.CaSecretWatch;
import dev.palisade.operator.watch.WatchEventSource;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.config.ConfigurationService;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.config.ResolvedControllerConfiguration;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@code caBundle} of every webhook in the chart's MutatingWebhookConfiguration (named
 * by {@code PALISADE_WEBHOOK_CONFIGURATION}, {@value #DEFAULT_CONFIGURATION} by default) equal to
 * the roots of the operator's own trust domain, which issues the operator's serving certificate:
 * the API server then verifies the webhook by the CA Palisade runs, with no cert-manager and no
 * certificate in the chart. The roots follow rotation (both are in the bundle during the
 * overlap), and a {@code caBundle} that is edited, or reset by a {@code helm upgrade}, is written
 * back, since the configuration itself is watched.
 *
 * <p>Only the configuration of that name is watched (a field selector, set by
 * {@link #configuration}, since the name is known only at run time), which is what lets the
 * chart's ClusterRole name it in {@code resourceNames}. Other trust domains' roots are left out:
 * the API server needs to trust only what can sign the webhook's certificate.
 */
@io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration(name = "webhook-ca-bundle",
    generationAwareEventProcessing = false)
public class WebhookCaBundleReconciler implements Reconciler<MutatingWebhookConfiguration> {

  /** The name the chart gives the configuration for release {@code palisade}. */
  public static final String DEFAULT_CONFIGURATION = "palisade-inject";

  private static final Logger log = LoggerFactory.getLogger(WebhookCaBundleReconciler.class);

  private final CaSecretWatch caSecrets;
  private final String trustDomain;
  private final String configurationName;

  /**
   * @param caSecrets the operator's shared watch on the CA Secrets
   * @param configurationName the MutatingWebhookConfiguration to keep, the only one watched
   */
  public WebhookCaBundleReconciler(CaSecretWatch caSecrets, String trustDomain,
      String configurationName) {
    this.caSecrets = caSecrets;
    this.trustDomain = trustDomain;
    this.configurationName = configurationName;
  }

  /**
   * The annotated configuration with the informer confined to {@code configurationName} by a
   * {@code metadata.name} field selector: register the reconciler with it. (JOSDK's
   * {@code ControllerConfigurationOverrider} has no field selector, and an annotation can hold
   * only a constant.)
   */
  public ControllerConfiguration<MutatingWebhookConfiguration> configuration(
      ConfigurationService service) {
    ControllerConfiguration<MutatingWebhookConfiguration> annotated =
        service.getConfigurationFor(this);
    InformerConfiguration<MutatingWebhookConfiguration> informer = InformerConfiguration
        .builder(annotated.getInformerConfig())
        .withFieldSelector(new FieldSelector(
            new FieldSelector.Field("metadata.name", configurationName)))
        .buildForController();
    return new ResolvedControllerConfiguration<>(annotated.getName(),
        annotated.isGenerationAware(), annotated.getAssociatedReconcilerClassName(),
        annotated.getRetry(), annotated.getRateLimiter(),
        annotated.maxReconciliationInterval().orElse(null), annotated.getFinalizerName(),
        Map.of(), annotated.fieldManager(), service, informer,
        annotated.triggerReconcilerOnAllEvents(), annotated.getWorkflowSpec().orElse(null));
  }

  @Override
  public UpdateControl<MutatingWebhookConfiguration> reconcile(
      MutatingWebhookConfiguration configuration, Context<MutatingWebhookConfiguration> context) {
    Optional<List<X509Certificate>> roots = roots(context);
    if (roots.isEmpty()) {
      return UpdateControl.noUpdate(); // no CA yet: its Secret's creation brings us back
    }
    // What the API wants: base64 of the PEM.
    String caBundle = Base64.getEncoder().encodeToString(
        Pem.certificates(roots.get()).getBytes(StandardCharsets.US_ASCII));
    ArrayNode patch = patch(configuration.getWebhooks(), caBundle);
    if (!patch.isEmpty()) {
      context.getClient().resource(configuration)
          .patch(PatchContext.of(PatchType.JSON), patch.toString());
      log.info("wrote the {} root(s) of trust domain {} into the caBundle of {}",
          roots.get().size(), trustDomain, configurationName);
    }
    return UpdateControl.noUpdate();
  }

  /**
   * A JSONPatch setting {@code caBundle} on each webhook that lacks it; each {@code add} is
   * preceded by a {@code test} of the webhook's name, so a list reordered meanwhile fails the
   * patch (and the reconcile is retried) instead of writing to the wrong entry.
   */
  static ArrayNode patch(List<MutatingWebhook> webhooks, String caBundle) {
    ArrayNode operations = Json.MAPPER.createArrayNode();
    for (int i = 0; i < webhooks.size(); i++) {
      MutatingWebhook webhook = webhooks.get(i);
      String current = webhook.getClientConfig() == null ? null
          : webhook.getClientConfig().getCaBundle();
      if (!caBundle.equals(current)) {
        operations.addObject().put("op", "test").put("path", "/webhooks/" + i + "/name")
            .put("value", webhook.getName());
        operations.addObject().put("op", "add")
            .put("path", "/webhooks/" + i + "/clientConfig/caBundle").put("value", caBundle);
      }
    }
    return operations;
  }

  /** The trust domain's current roots, as its CA Secret says. */
  private Optional<List<X509Certificate>> roots(Context<MutatingWebhookConfiguration> context) {
    Optional<CaState> state;
    try {
      state = caSecrets.registry().state(trustDomain);
    } catch (RuntimeException e) {
      return Optional.empty(); // unreadable: the TrustDomain reports it; keep what is there
    }
    return state.map(CaState::roots);
  }

  /** CA Secrets (in the operator's namespace) wake the one configuration. */
  @Override
  public List<EventSource<?, MutatingWebhookConfiguration>> prepareEventSources(
      EventSourceContext<MutatingWebhookConfiguration> context) {
    return List.of(WatchEventSource.onCaSecrets("ca-secrets", caSecrets,
        secret -> Set.of(new ResourceID(configurationName))));
  }
}
