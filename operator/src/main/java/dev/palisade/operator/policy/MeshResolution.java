package dev.palisade.operator.policy;

import dev.palisade.api.v1alpha1.MeshPolicy;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which MeshPolicy is in effect for one workload at each level, and which lost a conflict.
 *
 * @param winners at most one policy per level: the oldest of those that apply
 * @param overridden policies that apply at a level but lose to that level's winner
 */
public record MeshResolution(Map<MeshLevel, MeshPolicy> winners, List<Overridden> overridden) {

  /** {@code loser} applies at {@code level} but {@code winner}, older, is in effect there. */
  public record Overridden(MeshPolicy loser, MeshPolicy winner, MeshLevel level) {}

  public MeshResolution {
    winners = winners.isEmpty() ? Map.of() : new EnumMap<>(winners);
    overridden = List.copyOf(overridden);
  }

  public Optional<MeshPolicy> winner(MeshLevel level) {
    return Optional.ofNullable(winners.get(level));
  }
}
