package dev.palisade.common.time;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written the way Kubernetes users write them ({@code 24h}, {@code 90m}, {@code 1h30m},
 * {@code 500ms}): Go's {@code time.ParseDuration} syntax without a sign, as the CRDs accept.
 */
public final class KubeDuration {

  /** The syntax, also used by the CRD schema so both sides agree on what parses. */
  public static final String REGEX = "^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$";

  private static final Pattern TERM = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ns|us|µs|ms|s|m|h)");
  private static final Pattern WHOLE = Pattern.compile(REGEX);
  private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
      "ns", 1L, "us", 1_000L, "µs", 1_000L, "ms", 1_000_000L,
      "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

  private KubeDuration() {}

  /** Parses {@code text}, or throws {@link IllegalArgumentException} naming the accepted form. */
  public static Duration parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException(
          "not a duration: '" + text + "' (use a number and a unit, such as 24h, 90m or 1h30m)");
    }
    try {
      long nanos = 0;
      Matcher term = TERM.matcher(text);
      while (term.find()) {
        nanos = Math.addExact(nanos, nanos(term.group(1), NANOS_PER_UNIT.get(term.group(2))));
      }
      return Duration.ofNanos(nanos);
    } catch (ArithmeticException | NumberFormatException e) { // the syntax allows only digits
      throw new IllegalArgumentException("not a duration: '" + text + "' (too long)", e);
    }
  }

  /** {@code number} of a unit of {@code unit} nanoseconds; exact, whole nanoseconds. */
  private static long nanos(String number, long unit) {
    if (number.indexOf('.') < 0) {
      // The common case in long arithmetic: BigDecimal's class initialization alone costs a cold
      // JVM (a proxy's start) tens of milliseconds.
      return Math.multiplyExact(Long.parseLong(number), unit);
    }
    return new BigDecimal(number).multiply(BigDecimal.valueOf(unit)).longValueExact();
  }
}
