package dev.palisade.sidecar.metrics;

import java.util.Locale;

/** Which listener a connection came through: the {@code direction} label of every metric. */
public enum Direction {
  /** Into this pod, through :15006. */
  INBOUND,
  /** Out of this pod, through :15001. */
  OUTBOUND;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
