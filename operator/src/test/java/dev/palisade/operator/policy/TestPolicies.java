package dev.palisade.operator.policy;

import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.api.v1alpha1.AccessPolicySpec;
import dev.palisade.api.v1alpha1.MeshPolicy;
import dev.palisade.api.v1alpha1.MeshPolicySpec;
import dev.palisade.api.v1alpha1.WorkloadSelector;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.PolicyAction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builders for policies and workloads in unit tests. */
final class TestPolicies {

  static final String OPERATOR_NS = "palisade-system";
  static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  private TestPolicies() {}

  /** A MeshPolicy created {@code minute} minutes after {@link #EPOCH}. */
  static MeshPolicy mesh(String namespace, String name, int minute, WorkloadSelector selector,
      MtlsMode mode, Object... portModes) {
    MeshPolicy policy = new MeshPolicy();
    metadata(policy, namespace, name, minute);
    policy.setSpec(new MeshPolicySpec());
    policy.getSpec().selector = selector;
    policy.getSpec().mode = mode;
    if (portModes.length > 0) {
      policy.getSpec().ports = new ArrayList<>();
      for (int i = 0; i < portModes.length; i += 2) {
        MeshPolicySpec.PortMode port = new MeshPolicySpec.PortMode();
        port.port = (Integer) portModes[i];
        port.mode = (MtlsMode) portModes[i + 1];
        policy.getSpec().ports.add(port);
      }
    }
    return policy;
  }

  static AccessPolicy access(String namespace, String name, WorkloadSelector selector,
      PolicyAction action, AccessPolicySpec.Rule... rules) {
    AccessPolicy policy = new AccessPolicy();
    metadata(policy, namespace, name, 0);
    policy.setSpec(new AccessPolicySpec());
    policy.getSpec().selector = selector;
    policy.getSpec().action = action;
    policy.getSpec().rules = List.of(rules);
    return policy;
  }

  static AccessPolicySpec.Rule rule(List<String> identities, List<String> namespaces,
      List<String> serviceAccounts, List<Integer> ports) {
    AccessPolicySpec.Rule rule = new AccessPolicySpec.Rule();
    rule.identities = identities.isEmpty() ? null : identities;
    rule.namespaces = namespaces.isEmpty() ? null : namespaces;
    rule.serviceAccounts = serviceAccounts.isEmpty() ? null : serviceAccounts;
    rule.ports = ports.isEmpty() ? null : ports;
    return rule;
  }

  /** {@code matchLabels} from {@code key, value, key, value...}. */
  static WorkloadSelector labels(String... keyValues) {
    WorkloadSelector selector = new WorkloadSelector();
    selector.matchLabels = pairs(keyValues);
    return selector;
  }

  static WorkloadSelector expression(String key, WorkloadSelector.Operator operator,
      String... values) {
    WorkloadSelector selector = new WorkloadSelector();
    WorkloadSelector.Requirement requirement = new WorkloadSelector.Requirement();
    requirement.key = key;
    requirement.operator = operator;
    requirement.values = values.length == 0 ? null : List.of(values);
    selector.matchExpressions = List.of(requirement);
    return selector;
  }

  /** An injected, live workload. */
  static Workload workload(String namespace, String name, String serviceAccount,
      String... labelPairs) {
    Map<String, String> labels = pairs(labelPairs);
    labels.put(Workload.PROXY_LABEL, Workload.PROXY_INJECTED);
    return new Workload(namespace, name, serviceAccount, labels, true, true, null, Map.of());
  }

  static Map<String, String> pairs(String... keyValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return map;
  }

  private static void metadata(io.fabric8.kubernetes.api.model.HasMetadata object,
      String namespace, String name, int minute) {
    object.getMetadata().setNamespace(namespace);
    object.getMetadata().setName(name);
    object.getMetadata().setGeneration(1L);
    object.getMetadata().setCreationTimestamp(EPOCH.plusSeconds(60L * minute).toString());
  }
}
