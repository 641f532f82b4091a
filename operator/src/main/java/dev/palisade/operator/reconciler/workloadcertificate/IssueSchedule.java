package dev.palisade.operator.reconciler.workloadcertificate;

import dev.palisade.operator.ca.CertificateLimits;
import dev.palisade.operator.ca.LifetimeRules;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether to issue a WorkloadCertificate's certificate now, and when to look again: at its renewal
 * time, and at most once per {@link CertificateLimits#minimumRenewalInterval()} whatever asks for
 * it (a spec edit, a root rotation), so no object keeps the CA busy. Pure.
 *
 * @param issueNow sign a new certificate in this reconcile
 * @param nextCheck when to reconcile again if nothing else wakes it
 */
record IssueSchedule(boolean issueNow, Instant nextCheck) {

  /**
   * @param leaf the Secret's certificate, or null when the Secret is missing or unreadable (then
   *     issued at once: there is nothing to keep)
   * @param outdated whether the leaf no longer fits (identity, key type, root)
   */
  /** Now, whatever the schedule: the certificate was revoked. */
  static IssueSchedule now(Instant now) {
    return new IssueSchedule(true, now);
  }

  static IssueSchedule decide(X509Certificate leaf, boolean outdated, Duration renewBefore,
      CertificateLimits limits, Instant now) {
    if (leaf == null) {
      return new IssueSchedule(true, now);
    }
    Instant renewal = LifetimeRules.renewalTime(leaf, renewBefore, limits);
    Instant earliest = LifetimeRules.issuedAt(leaf).plus(limits.minimumRenewalInterval());
    Instant due = outdated && earliest.isBefore(renewal) ? earliest : renewal;
    return new IssueSchedule(!now.isBefore(due), due);
  }
}
