package dev.palisade.operator.reconciler.trustbundle;

import dev.palisade.common.pki.Pem;
import dev.palisade.operator.ca.CaRegistry;
import dev.palisade.operator.ca.CaSecrets;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Publishes the trust bundle (every current root of every trust domain) as ConfigMap
 * {@code palisade-trust-bundle}, key {@code ca.crt}, in the operator's namespace, in every
 * namespace labelled {@code palisade.dev/inject=enabled}, and in every namespace holding an
 * injected pod (one that opted in by annotation in an unlabelled namespace mounts the bundle
 * too; the kubelet retries the mount until the copy exists). A copy that is deleted or edited is
 * put back, because the ConfigMaps are watched too.
 */
@ControllerConfiguration(name = "trustbundle")
public class TrustBundleReconciler implements Reconciler<Namespace> {

  public static final String CONFIG_MAP = "palisade-trust-bundle";
  public static final String KEY = "ca.crt";
  public static final String INJECT_LABEL = "palisade.dev/inject";
  static final String BUNDLE_LABEL = "palisade.dev/trust-bundle";
  static final String INJECTED_POD_SELECTOR = "palisade.dev/proxy=injected";

  private final String operatorNamespace;
  private final Clock clock;

  public TrustBundleReconciler(String operatorNamespace, Clock clock) {
    this.operatorNamespace = operatorNamespace;
    this.clock = clock;
  }

  @Override
  public UpdateControl<Namespace> reconcile(Namespace namespace, Context<Namespace> context) {
    String name = namespace.getMetadata().getName();
    if (!wantsBundle(namespace, context) || namespace.isMarkedForDeletion()) {
      return UpdateControl.noUpdate();
    }
    List<X509Certificate> roots = caRegistry(context).allRoots();
    if (roots.isEmpty()) {
      return UpdateControl.noUpdate(); // no CA yet; a CA Secret event brings us back
    }
    String bundle = Pem.certificates(roots);
    Optional<ConfigMap> current = context.getSecondaryResource(ConfigMap.class, "bundles");
    boolean upToDate = current.map(cm -> bundle.equals(data(cm).get(KEY))
        && "true".equals(labels(cm).get(BUNDLE_LABEL))).orElse(false);
    if (!upToDate) {
      context.getClient().resource(new ConfigMapBuilder()
          .withNewMetadata()
            .withName(CONFIG_MAP)
            .withNamespace(name)
            .addToLabels(BUNDLE_LABEL, "true")
            .addToLabels("app.kubernetes.io/managed-by", "palisade")
          .endMetadata()
          .addToData(KEY, bundle)
          .build()).forceConflicts().serverSideApply();
    }
    return UpdateControl.noUpdate();
  }

  /** The CA Secrets as the event source that woke us saw them. */
  private CaRegistry caRegistry(Context<Namespace> context) {
    var secrets = (InformerEventSource<Secret, Namespace>) context.eventSourceRetriever()
        .getEventSourceFor(Secret.class, "ca-secrets");
    return new CaRegistry(() -> secrets.list().toList(), clock);
  }

  private boolean wantsBundle(Namespace namespace, Context<Namespace> context) {
    return operatorNamespace.equals(namespace.getMetadata().getName())
        || "enabled".equals(labels(namespace).get(INJECT_LABEL))
        || !context.getSecondaryResources(Pod.class).isEmpty();
  }

  /**
   * The bundle ConfigMaps wake their namespace (deleted, or edited so the label no longer
   * matches); CA Secrets wake every namespace, since all bundles carry every root; a new injected
   * pod wakes its namespace.
   */
  @Override
  public List<EventSource<?, Namespace>> prepareEventSources(EventSourceContext<Namespace> context) {
    var bundles = InformerEventSourceConfiguration.from(ConfigMap.class, Namespace.class)
        .withName("bundles")
        .withWatchAllNamespaces()
        .withLabelSelector(BUNDLE_LABEL + "=true")
        .withSecondaryToPrimaryMapper(
            (ConfigMap cm) -> Set.of(new ResourceID(cm.getMetadata().getNamespace())))
        .withPrimaryToSecondaryMapper(
            (Namespace ns) -> Set.of(new ResourceID(CONFIG_MAP, ns.getMetadata().getName())))
        .build();
    var caSecrets = InformerEventSourceConfiguration.from(Secret.class, Namespace.class)
        .withName("ca-secrets")
        .withNamespaces(Set.of(operatorNamespace))
        .withLabelSelector(CaSecrets.LABEL_CA + "=true")
        .withSecondaryToPrimaryMapper((Secret secret) -> context.getPrimaryCache().list()
            .map(ResourceID::fromResource).collect(Collectors.toSet()))
        .build();
    // Only their creation matters, and only their names are kept: pods change often and are many.
    var injectedPods = InformerEventSourceConfiguration.from(Pod.class, Namespace.class)
        .withName("injected-pods")
        .withWatchAllNamespaces()
        .withLabelSelector(INJECTED_POD_SELECTOR)
        .withItemStore(new TransformingItemStore<>(pod -> new PodBuilder().withNewMetadata()
            .withName(pod.getMetadata().getName())
            .withNamespace(pod.getMetadata().getNamespace())
            .withUid(pod.getMetadata().getUid())
            .withResourceVersion(pod.getMetadata().getResourceVersion())
            .withLabels(pod.getMetadata().getLabels())
            .endMetadata().build()))
        .withOnUpdateFilter((newPod, oldPod) -> false)
        .withOnDeleteFilter((pod, unknownState) -> false)
        .withSecondaryToPrimaryMapper(
            (Pod pod) -> Set.of(new ResourceID(pod.getMetadata().getNamespace())))
        .build();
    return List.of(new InformerEventSource<>(bundles, context),
        new InformerEventSource<>(caSecrets, context),
        new InformerEventSource<>(injectedPods, context));
  }

  private static Map<String, String> labels(io.fabric8.kubernetes.api.model.HasMetadata object) {
    return Objects.requireNonNullElse(object.getMetadata().getLabels(), Map.of());
  }

  private static Map<String, String> data(ConfigMap configMap) {
    return Objects.requireNonNullElse(configMap.getData(), Map.of());
  }
}
