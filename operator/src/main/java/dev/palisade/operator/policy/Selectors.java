package dev.palisade.operator.policy;

import dev.palisade.api.v1alpha1.WorkloadSelector;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Label selector semantics, as Kubernetes defines them for {@code metav1.LabelSelector}: every
 * matchLabels entry and every matchExpressions requirement must hold; an unset or empty selector
 * selects everything. {@code NotIn} and {@code DoesNotExist} hold for pods without the key.
 */
public final class Selectors {

  private Selectors() {}

  /** Whether {@code selector} is unset or empty: it selects every workload of its scope. */
  public static boolean selectsAll(WorkloadSelector selector) {
    return selector == null
        || (isEmpty(selector.matchLabels) && isEmpty(selector.matchExpressions));
  }

  /**
   * What makes {@code selector} impossible to evaluate, if anything. The API server refuses such
   * selectors (CEL); this guards objects stored before those rules existed.
   */
  public static Optional<String> problem(WorkloadSelector selector) {
    if (selector == null || selector.matchExpressions == null) {
      return Optional.empty();
    }
    for (int i = 0; i < selector.matchExpressions.size(); i++) {
      WorkloadSelector.Requirement requirement = selector.matchExpressions.get(i);
      String where = "spec.selector.matchExpressions[" + i + "]";
      if (requirement == null || requirement.key == null || requirement.key.isEmpty()) {
        return Optional.of(where + " has no key");
      }
      if (requirement.operator == null) {
        return Optional.of(where + " has no operator (In, NotIn, Exists or DoesNotExist)");
      }
      boolean hasValues = !isEmpty(requirement.values);
      switch (requirement.operator) {
        case In, NotIn -> {
          if (!hasValues) {
            return Optional.of(where + ": " + requirement.operator + " needs at least one value");
          }
        }
        case Exists, DoesNotExist -> {
          if (hasValues) {
            return Optional.of(where + ": " + requirement.operator + " takes no values");
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Whether {@code selector} selects a pod with {@code labels}. Call only when
   * {@link #problem} found none.
   */
  public static boolean matches(WorkloadSelector selector, Map<String, String> labels) {
    if (selectsAll(selector)) {
      return true;
    }
    if (selector.matchLabels != null) {
      for (Map.Entry<String, String> required : selector.matchLabels.entrySet()) {
        if (!required.getValue().equals(labels.get(required.getKey()))) {
          return false;
        }
      }
    }
    if (selector.matchExpressions != null) {
      for (WorkloadSelector.Requirement requirement : selector.matchExpressions) {
        if (!holds(requirement, labels)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean holds(WorkloadSelector.Requirement requirement,
      Map<String, String> labels) {
    String value = labels.get(requirement.key);
    List<String> values = requirement.values == null ? List.of() : requirement.values;
    return switch (requirement.operator) {
      case In -> value != null && values.contains(value);
      case NotIn -> value == null || !values.contains(value);
      case Exists -> value != null;
      case DoesNotExist -> value == null;
    };
  }

  private static boolean isEmpty(Map<?, ?> map) {
    return map == null || map.isEmpty();
  }

  private static boolean isEmpty(List<?> list) {
    return list == null || list.isEmpty();
  }
}
