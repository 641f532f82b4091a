package dev.palisade.operator.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BooleanSupplier;

/**
 * What {@code /readyz} asks: each component that must work before the replica takes traffic
 * (the HTTPS server is listening, it has a serving certificate, ...) registers a named check.
 */
public final class ReadinessChecks {

  private final Map<String, BooleanSupplier> checks = new ConcurrentSkipListMap<>();

  public ReadinessChecks add(String name, BooleanSupplier check) {
    if (checks.putIfAbsent(name, check) != null) {
      throw new IllegalArgumentException("readiness check " + name + " is already registered");
    }
    return this;
  }

  /** Names of the checks that do not pass now, sorted; a check that throws does not pass. */
  public List<String> failing() {
    return checks.entrySet().stream()
        .filter(check -> !passes(check.getValue()))
        .map(Map.Entry::getKey)
        .toList();
  }

  private static boolean passes(BooleanSupplier check) {
    try {
      return check.getAsBoolean();
    } catch (RuntimeException e) {
      return false;
    }
  }
}
