package dev.palisade.operator.config;

import dev.palisade.operator.policy.PolicySnapshot;
import dev.palisade.operator.policy.Workload;
import java.util.Collection;
import java.util.Optional;

/**
 * What the config service knows of the cluster, from its informers: policies, pods and Services.
 * Reads are in memory and never block, so they may run on an event loop.
 */
interface ClusterView {

  /** Whether every informer has listed once: before that, answers could miss a DENY. */
  boolean synced();

  PolicySnapshot policies();

  Optional<Workload> pod(String namespace, String name);

  Collection<Workload> podsIn(String namespace);

  /** The live pod that has {@code ip} (normalized by {@link Addresses#normalize}). */
  Optional<Workload> podByIp(String ip);

  /** The Service whose cluster IP is {@code ip}. */
  Optional<ServiceView> serviceByIp(String ip);

  /** Told what changed, so affected configurations are recomputed. */
  interface Listener {
    /** Policies of {@code namespace} changed; null: mesh-wide ones, so every namespace. */
    void policiesChanged(String namespace);

    void podChanged(String namespace, String name);

    void podRemoved(String namespace, String name);
  }
}
