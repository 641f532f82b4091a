package dev.palisade.cli;

import java.util.List;

/**
 * One thing {@code palisade check} verified.
 *
 * @param check a stable name, e.g. {@code crds}, {@code webhook-ca-bundle}
 * @param status {@code ok}, {@code warn} (holds, but needs a look), {@code fail}, or {@code skip}
 *     (could not be verified; the message says why)
 * @param hint what to do about a {@code warn} or {@code fail}
 */
public record CheckResult(String check, Status status, String message, String hint) {

  public enum Status { ok, warn, fail, skip }

  public static CheckResult ok(String check, String message) {
    return new CheckResult(check, Status.ok, message, null);
  }

  public static CheckResult warn(String check, String message, String hint) {
    return new CheckResult(check, Status.warn, message, hint);
  }

  public static CheckResult fail(String check, String message, String hint) {
    return new CheckResult(check, Status.fail, message, hint);
  }

  public static CheckResult skip(String check, String message) {
    return new CheckResult(check, Status.skip, message, null);
  }

  /** The report of {@code -o json}. */
  public record Report(boolean ok, List<CheckResult> checks) {
    public static Report of(List<CheckResult> checks) {
      return new Report(checks.stream().noneMatch(c -> c.status() == Status.fail), checks);
    }
  }

  /** The text form: one line per check, the hint indented below a warning or failure. */
  public static String text(List<CheckResult> checks) {
    StringBuilder out = new StringBuilder();
    for (CheckResult c : checks) {
      String mark = switch (c.status()) {
        case ok -> "[ok]  ";
        case warn -> "[warn]";
        case fail -> "[FAIL]";
        case skip -> "[skip]";
      };
      out.append(mark).append(' ').append(c.check()).append(": ").append(c.message()).append('\n');
      if (c.hint() != null) {
        out.append("       fix: ").append(c.hint()).append('\n');
      }
    }
    long failed = checks.stream().filter(c -> c.status() == Status.fail).count();
    out.append(failed == 0 ? "All checks passed.\n" : failed + " check(s) failed.\n");
    return out.toString();
  }
}
