package dev.palisade.operator.ca;

import dev.palisade.common.pki.X509Profiles;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What lifetimes the CA accepts and when a certificate is renewed: pure, so both reconcilers and
 * their tests agree. The schema checks what one object can say on its own (renewBefore shorter
 * than lifetime, a TrustDomain's lifetime within its maxLifetime); these rules add what depends on
 * the operator's {@link CertificateLimits} or on another object.
 */
public final class LifetimeRules {

  private LifetimeRules() {}

  /** Why a lifetime is refused: a condition reason and a message saying what to set. */
  public record Refusal(String reason, String message) {}

  /**
   * @param field the spec field the lifetime comes from, for the message
   * @param lifetime the lifetime asked for
   * @param renewBefore the renewBefore asked for, or null (half-life)
   * @param maxLifetime the TrustDomain's maximum, or null for none
   */
  public static Optional<Refusal> check(String field, Duration lifetime, Duration renewBefore,
      Duration maxLifetime, CertificateLimits limits) {
    if (lifetime.compareTo(limits.minimumLifetime()) < 0) {
      return Optional.of(new Refusal("LifetimeTooShort", field + " " + KubeDurations.format(lifetime)
          + " is below the CA's minimum of " + KubeDurations.format(limits.minimumLifetime())
          + "; set a longer lifetime"));
    }
    if (maxLifetime != null && lifetime.compareTo(maxLifetime) > 0) {
      return Optional.of(new Refusal("LifetimeTooLong", field + " " + KubeDurations.format(lifetime)
          + " exceeds the TrustDomain's spec.workloadCertificates.maxLifetime of "
          + KubeDurations.format(maxLifetime) + "; set a shorter lifetime"));
    }
    if (renewBefore != null && renewBefore.compareTo(limits.minimumRenewBefore()) < 0) {
      return Optional.of(new Refusal("RenewBeforeTooShort", "renewBefore "
          + KubeDurations.format(renewBefore) + " is below the CA's minimum of "
          + KubeDurations.format(limits.minimumRenewBefore()) + "; set a longer renewBefore"));
    }
    if (renewBefore != null && renewBefore.compareTo(lifetime) >= 0) {
      return Optional.of(new Refusal("RenewBeforeTooLong", "renewBefore "
          + KubeDurations.format(renewBefore) + " must be shorter than the lifetime, "
          + KubeDurations.format(lifetime)));
    }
    return Optional.empty();
  }

  /** When {@code leaf} was issued: its notBefore is backdated for clock skew. */
  public static Instant issuedAt(X509Certificate leaf) {
    return leaf.getNotBefore().toInstant().plus(X509Profiles.CLOCK_SKEW);
  }

  /**
   * When to renew {@code leaf}: {@code renewBefore} ahead of notAfter when given, else half-way
   * from its issue (not from its backdated notBefore, which put the half-life of a short leaf in
   * the past); never sooner than {@code minimumRenewalInterval} after issue, never after expiry.
   */
  public static Instant renewalTime(X509Certificate leaf, Duration renewBefore,
      CertificateLimits limits) {
    Instant issued = issuedAt(leaf);
    Instant notAfter = leaf.getNotAfter().toInstant();
    Instant at = renewBefore != null
        ? notAfter.minus(renewBefore)
        : issued.plus(Duration.between(issued, notAfter).dividedBy(2));
    Instant earliest = issued.plus(limits.minimumRenewalInterval());
    if (at.isBefore(earliest)) {
      at = earliest;
    }
    return at.isAfter(notAfter) ? notAfter : at;
  }

  /**
   * Whether {@code leaf} is valid for noticeably less than {@code requested}: cut at its issuer's
   * expiry. A second's slack absorbs the certificate's whole-second times.
   */
  public static boolean shortened(X509Certificate leaf, Duration requested) {
    Duration actual = Duration.between(issuedAt(leaf), leaf.getNotAfter().toInstant());
    return actual.plusSeconds(1).compareTo(requested) < 0;
  }

  /** The lifetime a leaf issued now under {@code issuer} gets when {@code requested}. */
  public static boolean wouldBeShortened(X509Certificate issuer, Duration requested, Instant now) {
    return now.plus(requested).isAfter(issuer.getNotAfter().toInstant());
  }
}
