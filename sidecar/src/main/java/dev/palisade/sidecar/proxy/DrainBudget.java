package dev.palisade.sidecar.proxy;

import java.time.Duration;

/**
 * How long a shutdown waits for open connections to finish. The kubelet stops the proxy (a
 * native sidecar) after the app containers, with at most the pod's
 * {@code terminationGracePeriodSeconds} left, and kills it when that runs out; so the drain is
 * bounded by the grace period less a margin (to close what is left and exit cleanly), and capped
 * so that one idle long-lived connection cannot hold a pod's deletion for minutes.
 */
final class DrainBudget {

  /** Without a grace period (run by hand): the drain of old. */
  static final Duration DEFAULT = Duration.ofSeconds(5);
  /** Left for closing the rest, stopping the event loops and exiting. */
  static final Duration MARGIN = Duration.ofSeconds(2);
  /** The most any grace period buys. */
  static final Duration CAP = Duration.ofSeconds(30);

  private DrainBudget() {}

  /**
   * @param explicit {@code --drain-timeout}, which wins when given
   * @param graceSeconds the pod's termination grace period, if known
   * @return {@code explicit}, else {@code min(grace - MARGIN, CAP)} (half the grace when it is
   *     shorter than the margin; zero for a zero grace period: close at once), else
   *     {@link #DEFAULT}
   */
  static Duration drainTimeout(Duration explicit, Long graceSeconds) {
    if (explicit != null) {
      return explicit;
    }
    if (graceSeconds == null) {
      return DEFAULT;
    }
    if (graceSeconds < 0) {
      throw new IllegalArgumentException("--termination-grace-period: " + graceSeconds
          + " is negative");
    }
    Duration grace = Duration.ofSeconds(graceSeconds);
    Duration budget = grace.compareTo(MARGIN) > 0 ? grace.minus(MARGIN) : grace.dividedBy(2);
    return budget.compareTo(CAP) > 0 ? CAP : budget;
  }
}
