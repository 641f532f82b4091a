package dev.palisade.operator.reconciler.trustbundle;

import dev.palisade.operator.injection.InjectionContract;
import dev.palisade.common.pki.Pem;
import dev.palisade.operator.policy.Workload;
import dev.palisade.operator.watch.CaSecretWatch;
import dev.palisade.operator.watch.PodIndex;
import dev.palisade.operator.watch.WatchEventSource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Publishes the trust bundle (every current root of every trust domain) as ConfigMap
 * {@code palisade-trust-bundle}, key {@code ca.crt}, in the operator's namespace, in every
 * namespace labelled {@code palisade.dev/inject=enabled}, and in every namespace holding an
 * injected pod (one that opted in by annotation in an unlabelled namespace mounts the bundle
 * too; the kubelet retries the mount until the copy exists). {@link TrustBundleConfigMap} writes
 * the copies; one that is deleted or edited is put back, because they are watched too.
 */
@Workflow(explicitInvocation = true, dependents = @Dependent(type = TrustBundleConfigMap.class))
@ControllerConfiguration(name = "trustbundle")
public class TrustBundleReconciler implements Reconciler<Namespace> {

  static final String BUNDLE_LABEL = "palisade.dev/trust-bundle";

  private final String operatorNamespace;
  private final CaSecretWatch caSecrets;
  private final PodIndex pods;

  /** @param caSecrets and {@code pods}: the operator's shared watches */
  public TrustBundleReconciler(String operatorNamespace, CaSecretWatch caSecrets, PodIndex pods) {
    this.operatorNamespace = operatorNamespace;
    this.caSecrets = caSecrets;
    this.pods = pods;
  }

  @Override
  public UpdateControl<Namespace> reconcile(Namespace namespace, Context<Namespace> context) {
    if (!wantsBundle(namespace) || namespace.isMarkedForDeletion()) {
      return UpdateControl.noUpdate();
    }
    List<X509Certificate> roots = caSecrets.registry().allRoots();
    if (roots.isEmpty()) {
      return UpdateControl.noUpdate(); // no CA yet; a CA Secret event brings us back
    }
    var workflow = context.managedWorkflowAndDependentResourceContext();
    workflow.put(TrustBundleConfigMap.BUNDLE, Pem.certificates(roots));
    workflow.reconcileManagedWorkflow().throwAggregateExceptionIfErrorsPresent();
    return UpdateControl.noUpdate();
  }

  private boolean wantsBundle(Namespace namespace) {
    return operatorNamespace.equals(namespace.getMetadata().getName())
        || InjectionContract.meshed(labels(namespace).get(InjectionContract.NAMESPACE_LABEL))
        || pods.anyIn(namespace.getMetadata().getName(), Workload::injected);
  }

  /**
   * CA Secrets wake every namespace, since all bundles carry every root; a new injected pod wakes
   * its namespace. (The copies themselves are watched by {@link TrustBundleConfigMap}.)
   */
  @Override
  public List<EventSource<?, Namespace>> prepareEventSources(EventSourceContext<Namespace> context) {
    WatchEventSource<Namespace> caChanges = WatchEventSource.onCaSecrets("ca-secrets", caSecrets,
        secret -> context.getPrimaryCache().list().map(ResourceID::fromResource)
            .collect(Collectors.toSet()));
    // Only a pod becoming injected matters (its namespace may not want a bundle yet).
    WatchEventSource<Namespace> injectedPods = WatchEventSource.onPods("injected-pods", pods,
        (before, after) -> after != null && after.injected()
            && (before == null || !before.injected())
            ? Set.of(new ResourceID(after.namespace())) : Set.of());
    return List.of(caChanges, injectedPods);
  }

  private static Map<String, String> labels(io.fabric8.kubernetes.api.model.HasMetadata object) {
    return Objects.requireNonNullElse(object.getMetadata().getLabels(), Map.of());
  }
}
