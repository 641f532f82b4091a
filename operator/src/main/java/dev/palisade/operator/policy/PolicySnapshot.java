package dev.palisade.operator.policy;

import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.api.v1alpha1.MeshPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every MeshPolicy and AccessPolicy at one moment, indexed by namespace, MeshPolicies oldest
 * first. Immutable once built; the policy objects are only read.
 */
public final class PolicySnapshot {

  /**
   * The order conflicts are settled in: older first (creationTimestamp), then by namespace and
   * name, so the outcome never depends on the order objects were listed in.
   */
  public static final Comparator<HasMetadata> OLDEST_FIRST = Comparator
      .comparing(PolicySnapshot::created)
      .thenComparing(p -> p.getMetadata().getNamespace(), Comparator.nullsFirst(String::compareTo))
      .thenComparing(p -> p.getMetadata().getName());

  private final String operatorNamespace;
  private final Map<String, List<MeshPolicy>> meshByNamespace;
  private final Map<String, List<AccessPolicy>> accessByNamespace;

  public PolicySnapshot(String operatorNamespace, Collection<MeshPolicy> meshPolicies,
      Collection<AccessPolicy> accessPolicies) {
    this.operatorNamespace = operatorNamespace;
    this.meshByNamespace = byNamespace(meshPolicies, OLDEST_FIRST);
    this.accessByNamespace = byNamespace(accessPolicies,
        Comparator.comparing(p -> p.getMetadata().getName()));
  }

  public static PolicySnapshot empty(String operatorNamespace) {
    return new PolicySnapshot(operatorNamespace, List.of(), List.of());
  }

  public String operatorNamespace() {
    return operatorNamespace;
  }

  /** The level {@code policy} applies at. */
  public MeshLevel levelOf(MeshPolicy policy) {
    if (!Selectors.selectsAll(policy.getSpec().selector)) {
      return MeshLevel.WORKLOAD;
    }
    return operatorNamespace.equals(policy.getMetadata().getNamespace())
        ? MeshLevel.MESH : MeshLevel.NAMESPACE;
  }

  /** MeshPolicies of {@code namespace}, oldest first. */
  public List<MeshPolicy> meshPolicies(String namespace) {
    return meshByNamespace.getOrDefault(namespace, List.of());
  }

  /** AccessPolicies of {@code namespace}, by name. */
  public List<AccessPolicy> accessPolicies(String namespace) {
    return accessByNamespace.getOrDefault(namespace, List.of());
  }

  /** The {@code namespace/name} policies are called by in statuses and configs. */
  public static String key(HasMetadata policy) {
    return policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName();
  }

  private static <P extends HasMetadata> Map<String, List<P>> byNamespace(Collection<P> policies,
      Comparator<? super P> order) {
    Map<String, List<P>> grouped = new HashMap<>(policies.stream()
        .filter(p -> p.getMetadata().getNamespace() != null)
        .collect(Collectors.groupingBy(p -> p.getMetadata().getNamespace())));
    grouped.replaceAll((namespace, list) -> list.stream().sorted(order).toList());
    return Map.copyOf(grouped);
  }

  private static Instant created(HasMetadata policy) {
    String timestamp = policy.getMetadata().getCreationTimestamp();
    return timestamp == null ? Instant.MAX : Instant.parse(timestamp);
  }

  /** For tests and logs: the policies' keys, per namespace. */
  @Override
  public String toString() {
    Function<List<? extends HasMetadata>, List<String>> keys =
        list -> list.stream().map(PolicySnapshot::key).toList();
    return "PolicySnapshot[mesh=" + meshByNamespace.values().stream().map(keys).toList()
        + ", access=" + accessByNamespace.values().stream().map(keys).toList() + "]";
  }
}
