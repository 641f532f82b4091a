package dev.palisade.operator.reconciler.trustbundle;

import dev.palisade.common.sidecar.SidecarContract;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.Optional;
import java.util.Set;

/**
 * A namespace's copy of the trust bundle as a JOSDK dependent: {@link #desired} lays out the PEM
 * bundle the reconciler read; JOSDK applies it when it differs (so an edited or deleted copy is
 * put back) and makes the Namespace its owner. The owner reference only states who manages the
 * copy: the Namespace's deletion removes it anyway.
 *
 * <p>Copies are found by their label and namespace, not by owner reference, so copies written
 * before owner references were added are recognised.
 */
@KubernetesDependent(informer = @Informer(
    labelSelector = TrustBundleReconciler.BUNDLE_LABEL + "=true"))
public class TrustBundleConfigMap extends CRUDKubernetesDependentResource<ConfigMap, Namespace> {

  /** The key under which the reconciler leaves the PEM bundle for {@link #desired}. */
  static final String BUNDLE = "trust-bundle";

  public TrustBundleConfigMap() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap desired(Namespace namespace, Context<Namespace> context) {
    String bundle = context.managedWorkflowAndDependentResourceContext()
        .getMandatory(BUNDLE, String.class);
    return new ConfigMapBuilder()
        .withNewMetadata()
          .withName(SidecarContract.TRUST_BUNDLE_CONFIG_MAP)
          .withNamespace(namespace.getMetadata().getName())
          .addToLabels(TrustBundleReconciler.BUNDLE_LABEL, "true")
          .addToLabels("app.kubernetes.io/managed-by", "palisade")
        .endMetadata()
        .addToData(SidecarContract.TRUST_BUNDLE_KEY, bundle)
        .build();
  }

  @Override
  protected ResourceID targetSecondaryResourceID(Namespace namespace,
      Context<Namespace> context) {
    return new ResourceID(SidecarContract.TRUST_BUNDLE_CONFIG_MAP, namespace.getMetadata().getName());
  }

  @Override
  protected Optional<SecondaryToPrimaryMapper<ConfigMap>> getSecondaryToPrimaryMapper(
      EventSourceContext<Namespace> context) {
    return Optional.of(configMap -> Set.of(new ResourceID(configMap.getMetadata().getNamespace())));
  }
}
