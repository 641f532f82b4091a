package dev.palisade.operator.ca;

import java.time.Duration;

/** Durations written back the way users write them ({@code 1h30m}, {@code 15s}), for messages. */
public final class KubeDurations {

  private KubeDurations() {}

  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    StringBuilder text = new StringBuilder();
    long hours = duration.toHours();
    int minutes = duration.toMinutesPart();
    int seconds = duration.toSecondsPart();
    int millis = duration.toMillisPart();
    if (hours > 0) {
      text.append(hours).append('h');
    }
    if (minutes > 0) {
      text.append(minutes).append('m');
    }
    if (seconds > 0) {
      text.append(seconds).append('s');
    }
    if (millis > 0) {
      text.append(millis).append("ms");
    }
    return text.isEmpty() ? duration.toNanos() + "ns" : text.toString();
  }
}
