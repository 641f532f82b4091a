package dev.palisade.operator.revocation;

import dev.palisade.api.v1alpha1.RevocationStatus;
import dev.palisade.operator.kube.Conditions;
import dev.palisade.operator.kube.EventRecorder;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes a revocation's or suspension's Ready condition and expiry, patching only what changed,
 * and records an Event whenever the reason changes (it took force, it expired), so that
 * {@code kubectl describe} tells the story.
 */
final class RevocationStatusUpdate {

  private final Conditions conditions;

  RevocationStatusUpdate(Conditions conditions) {
    this.conditions = conditions;
  }

  <R extends CustomResource<?, RevocationStatus>> UpdateControl<R> apply(R object,
      Instant expiresAt, boolean inForce, String reason, String message, EventRecorder events) {
    RevocationStatus previous = Optional.ofNullable(object.getStatus())
        .orElseGet(RevocationStatus::new);
    long generation = object.getMetadata().getGeneration();
    RevocationStatus next = new RevocationStatus();
    next.observedGeneration = generation;
    next.expiresAt = expiresAt == null ? null : expiresAt.toString();
    List<Condition> before = previous.conditions == null ? List.of() : previous.conditions;
    next.conditions = conditions.set(before, Conditions.READY, inForce, reason, message,
        generation);
    if (Objects.equals(previous.observedGeneration, next.observedGeneration)
        && Objects.equals(previous.expiresAt, next.expiresAt)
        && sameReady(before, next.conditions)) {
      return UpdateControl.noUpdate();
    }
    if (!reason.equals(readyReason(before))) {
      if (inForce) {
        events.normal(object, reason, message);
      } else {
        events.warning(object, reason, message);
      }
    }
    object.setStatus(next);
    return UpdateControl.patchStatus(object);
  }

  private static String readyReason(List<Condition> conditions) {
    return conditions.stream().filter(c -> c.getType().equals(Conditions.READY))
        .map(Condition::getReason).findFirst().orElse(null);
  }

  private static boolean sameReady(List<Condition> before, List<Condition> after) {
    Optional<Condition> old = before.stream()
        .filter(c -> c.getType().equals(Conditions.READY)).findFirst();
    Optional<Condition> now = after.stream()
        .filter(c -> c.getType().equals(Conditions.READY)).findFirst();
    return old.isPresent() && now.isPresent()
        && old.get().getStatus().equals(now.get().getStatus())
        && Objects.equals(old.get().getReason(), now.get().getReason())
        && Objects.equals(old.get().getMessage(), now.get().getMessage());
  }
}
