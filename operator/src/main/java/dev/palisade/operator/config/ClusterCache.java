package dev.palisade.operator.config;

import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.api.v1alpha1.MeshPolicy;
import dev.palisade.operator.policy.PolicySnapshot;
import dev.palisade.operator.policy.Workload;
import dev.palisade.operator.watch.PodIndex;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The config service's informers on MeshPolicies, AccessPolicies and Services (all namespaces),
 * the operator's shared {@link PodIndex}, and the indexes lookups need on top of it: live pods by
 * IP, Services by cluster IP. Changes that can affect a configuration are passed to the
 * {@link ClusterView.Listener}.
 */
final class ClusterCache implements ClusterView, AutoCloseable {

  private final String operatorNamespace;
  private final ClusterView.Listener listener;
  private final PodIndex pods;
  private final ConcurrentMap<String, Workload> podsByIp = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, ServiceView> servicesByIp = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, ServiceView> services = new ConcurrentHashMap<>();
  private final SharedIndexInformer<MeshPolicy> meshPolicies;
  private final SharedIndexInformer<AccessPolicy> accessPolicies;
  private final Runnable unsubscribe;
  private final SharedIndexInformer<Service> serviceInformer;

  /**
   * Starts the informers (and {@code pods}, unless running) and returns once each has listed (or
   * throws if one cannot).
   */
  ClusterCache(KubernetesClient client, PodIndex pods, String operatorNamespace,
      ClusterView.Listener listener) {
    this.operatorNamespace = operatorNamespace;
    this.listener = listener;
    this.pods = pods;
    this.meshPolicies = client.resources(MeshPolicy.class).inAnyNamespace()
        .inform(policyHandler(), 0);
    this.accessPolicies = client.resources(AccessPolicy.class).inAnyNamespace()
        .inform(policyHandler(), 0);
    this.serviceInformer = client.services().inAnyNamespace().inform(serviceHandler(), 0);
    this.unsubscribe = pods.subscribe(this::podChanged);
    // Pods the index listed before this subscribed: by IP here too.
    pods.all(Workload::live).forEach(this::indexIp);
  }

  @Override
  public boolean synced() {
    return meshPolicies.hasSynced() && accessPolicies.hasSynced() && pods.synced()
        && serviceInformer.hasSynced();
  }

  @Override
  public PolicySnapshot policies() {
    return new PolicySnapshot(operatorNamespace, meshPolicies.getStore().list(),
        accessPolicies.getStore().list());
  }

  @Override
  public Optional<Workload> pod(String namespace, String name) {
    return pods.pod(namespace, name);
  }

  @Override
  public Collection<Workload> podsIn(String namespace) {
    return pods.podsIn(namespace);
  }

  @Override
  public Optional<Workload> podByIp(String ip) {
    return Optional.ofNullable(podsByIp.get(ip));
  }

  @Override
  public Optional<ServiceView> serviceByIp(String ip) {
    return Optional.ofNullable(servicesByIp.get(ip));
  }

  private <P extends io.fabric8.kubernetes.api.model.HasMetadata> ResourceEventHandler<P>
      policyHandler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(P policy) {
        changed(policy);
      }

      @Override
      public void onUpdate(P old, P policy) {
        if (!Objects.equals(old.getMetadata().getGeneration(),
            policy.getMetadata().getGeneration())) {
          changed(policy);
        }
      }

      @Override
      public void onDelete(P policy, boolean finalStateUnknown) {
        changed(policy);
      }

      private void changed(P policy) {
        String namespace = policy.getMetadata().getNamespace();
        // MeshPolicies of the operator's namespace may be mesh-wide: every namespace then.
        listener.policiesChanged(policy instanceof MeshPolicy && operatorNamespace.equals(namespace)
            ? null : namespace);
      }
    };
  }

  /** Keeps the IP index and tells the listener when a pod's configuration may have changed. */
  private void podChanged(Workload before, Workload after) {
    if (before != null && before.ip() != null) {
      Addresses.normalize(before.ip()).ifPresent(ip -> podsByIp.remove(ip, before));
    }
    if (after == null) {
      listener.podRemoved(before.namespace(), before.name());
      return;
    }
    indexIp(after);
    if (before == null || !before.labels().equals(after.labels())
        || !Objects.equals(before.serviceAccount(), after.serviceAccount())
        || before.injected() != after.injected()) {
      listener.podChanged(after.namespace(), after.name());
    }
  }

  private void indexIp(Workload workload) {
    if (workload.ip() != null && workload.live()) {
      Addresses.normalize(workload.ip()).ifPresent(ip -> podsByIp.put(ip, workload));
    }
  }

  private ResourceEventHandler<Service> serviceHandler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Service service) {
        put(service);
      }

      @Override
      public void onUpdate(Service old, Service service) {
        put(service);
      }

      @Override
      public void onDelete(Service service, boolean finalStateUnknown) {
        ServiceView removed = services.remove(key(service));
        if (removed != null) {
          removed.clusterIps().forEach(ip -> servicesByIp.remove(ip, removed));
        }
      }

      private void put(Service service) {
        ServiceView view = ServiceView.of(service);
        ServiceView previous = view == null ? services.remove(key(service))
            : services.put(key(service), view);
        if (previous != null) {
          previous.clusterIps().forEach(ip -> servicesByIp.remove(ip, previous));
        }
        if (view != null) {
          view.clusterIps().forEach(ip -> servicesByIp.put(ip, view));
        }
      }

      private String key(Service service) {
        return service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
      }
    };
  }

  @Override
  public void close() {
    unsubscribe.run();
    serviceInformer.close();
    meshPolicies.close();
    accessPolicies.close();
  }
}
