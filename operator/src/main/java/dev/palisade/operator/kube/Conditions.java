package dev.palisade.operator.kube;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds standard conditions stamped with the object's generation. The transition time is kept
 * from the previous condition when the status did not change, as Kubernetes conventions ask.
 */
public final class Conditions {

  public static final String READY = "Ready";

  private final Clock clock;

  public Conditions(Clock clock) {
    this.clock = clock;
  }

  /** {@code previous} with the condition of {@code type} replaced. */
  public List<Condition> set(List<Condition> previous, String type, boolean status, String reason,
      String message, long generation) {
    String statusText = status ? "True" : "False";
    String transition = previous.stream()
        .filter(c -> c.getType().equals(type) && c.getStatus().equals(statusText))
        .map(Condition::getLastTransitionTime)
        .findFirst()
        .orElseGet(() -> clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
    List<Condition> conditions = new ArrayList<>(previous.stream()
        .filter(c -> !c.getType().equals(type)).toList());
    conditions.add(new ConditionBuilder()
        .withType(type)
        .withStatus(statusText)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(transition)
        .build());
    return conditions;
  }
}
