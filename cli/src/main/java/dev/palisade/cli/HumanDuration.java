package dev.palisade.cli;

import java.time.Duration;

/** A duration as people read it in a terminal: {@code 3d4h}, {@code 2h10m}, {@code 5m3s}. */
final class HumanDuration {

  private HumanDuration() {}

  static String of(Duration d) {
    if (d.isNegative()) {
      return "the past (" + of(d.negated()) + " ago)";
    }
    return d.toDays() > 0 ? d.toDays() + "d" + d.toHoursPart() + "h"
        : d.toHours() > 0 ? d.toHours() + "h" + d.toMinutesPart() + "m"
        : d.toMinutes() + "m" + d.toSecondsPart() + "s";
  }
}
