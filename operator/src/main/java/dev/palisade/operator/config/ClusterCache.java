package dev.palisade.operator.config;

import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.api.v1alpha1.MeshPolicy;
import dev.palisade.operator.policy.PolicySnapshot;
import dev.palisade.operator.policy.Workload;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The config service's informers on MeshPolicies, AccessPolicies, pods and Services (all
 * namespaces), and its in-memory indexes: pods as compact {@link Workload}s by namespace and by
 * IP, Services by cluster IP. The pod informer's own store keeps only keys and resource versions;
 * what policy and lookups need is extracted once per event. Changes that can affect a
 * configuration are passed to the {@link ClusterView.Listener}.
 */
final class ClusterCache implements ClusterView, AutoCloseable {

  private final String operatorNamespace;
  private final ClusterView.Listener listener;
  private final ConcurrentMap<String, ConcurrentMap<String, Workload>> pods =
      new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Workload> podsByIp = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, ServiceView> servicesByIp = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, ServiceView> services = new ConcurrentHashMap<>();
  private final SharedIndexInformer<MeshPolicy> meshPolicies;
  private final SharedIndexInformer<AccessPolicy> accessPolicies;
  private final SharedIndexInformer<Pod> podInformer;
  private final SharedIndexInformer<Service> serviceInformer;

  /** Starts the informers and returns once each has listed (or throws if one cannot). */
  ClusterCache(KubernetesClient client, String operatorNamespace, ClusterView.Listener listener) {
    this.operatorNamespace = operatorNamespace;
    this.listener = listener;
    this.meshPolicies = client.resources(MeshPolicy.class).inAnyNamespace()
        .inform(policyHandler(), 0);
    this.accessPolicies = client.resources(AccessPolicy.class).inAnyNamespace()
        .inform(policyHandler(), 0);
    this.serviceInformer = client.services().inAnyNamespace().inform(serviceHandler(), 0);
    this.podInformer = client.pods().inAnyNamespace().runnableInformer(0)
        .itemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Pod.class,
            client.getKubernetesSerialization(), "metadata.uid"));
    podInformer.addEventHandler(podHandler());
    podInformer.run();
  }

  @Override
  public boolean synced() {
    return meshPolicies.hasSynced() && accessPolicies.hasSynced() && podInformer.hasSynced()
        && serviceInformer.hasSynced();
  }

  @Override
  public PolicySnapshot policies() {
    return new PolicySnapshot(operatorNamespace, meshPolicies.getStore().list(),
        accessPolicies.getStore().list());
  }

  @Override
  public Optional<Workload> pod(String namespace, String name) {
    Map<String, Workload> of = pods.get(namespace);
    return of == null ? Optional.empty() : Optional.ofNullable(of.get(name));
  }

  @Override
  public Collection<Workload> podsIn(String namespace) {
    Map<String, Workload> of = pods.get(namespace);
    return of == null ? List.of() : List.copyOf(of.values());
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

  private ResourceEventHandler<Pod> podHandler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        put(Workload.of(pod));
      }

      @Override
      public void onUpdate(Pod old, Pod pod) {
        put(Workload.of(pod));
      }

      @Override
      public void onDelete(Pod pod, boolean finalStateUnknown) {
        String namespace = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        Map<String, Workload> of = pods.get(namespace);
        Workload removed = of == null ? null : of.remove(name);
        if (removed != null && removed.ip() != null) {
          Addresses.normalize(removed.ip()).ifPresent(ip -> podsByIp.remove(ip, removed));
        }
        listener.podRemoved(namespace, name);
      }
    };
  }

  private void put(Workload workload) {
    Workload previous = pods.computeIfAbsent(workload.namespace(), ns -> new ConcurrentHashMap<>())
        .put(workload.name(), workload);
    if (previous != null && previous.ip() != null) {
      Addresses.normalize(previous.ip()).ifPresent(ip -> podsByIp.remove(ip, previous));
    }
    if (workload.ip() != null && workload.live()) {
      Addresses.normalize(workload.ip()).ifPresent(ip -> podsByIp.put(ip, workload));
    }
    if (previous == null || !previous.labels().equals(workload.labels())
        || !Objects.equals(previous.serviceAccount(), workload.serviceAccount())
        || previous.injected() != workload.injected()) {
      listener.podChanged(workload.namespace(), workload.name());
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
    podInformer.close();
    serviceInformer.close();
    meshPolicies.close();
    accessPolicies.close();
  }
}
