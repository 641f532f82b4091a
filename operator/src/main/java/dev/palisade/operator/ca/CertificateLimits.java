package dev.palisade.operator.ca;

import dev.palisade.common.time.KubeDuration;
import java.time.Duration;
import java.util.Map;

/**
 * The CA's floor under what a TrustDomain or WorkloadCertificate may ask for, an operator setting
 * (as cert-manager's 1h minimum duration and 5m minimum renewBefore): below it a certificate
 * would be re-issued so often that one object keeps the CA busy.
 *
 * @param minimumLifetime {@code PALISADE_MIN_CERTIFICATE_LIFETIME} (default {@code 1h}): shortest
 *     workload certificate lifetime a TrustDomain or WorkloadCertificate may set
 * @param minimumRenewBefore {@code PALISADE_MIN_RENEW_BEFORE} (default {@code 5m}): shortest
 *     renewBefore a WorkloadCertificate may set
 * @param minimumRenewalInterval {@code PALISADE_MIN_RENEWAL_INTERVAL} (default {@code 1m}): a
 *     WorkloadCertificate is re-issued at most once per interval, whatever asks for it (only a
 *     missing or unreadable Secret is re-issued at once)
 */
public record CertificateLimits(Duration minimumLifetime, Duration minimumRenewBefore,
    Duration minimumRenewalInterval) {

  public static final CertificateLimits DEFAULTS = new CertificateLimits(Duration.ofHours(1),
      Duration.ofMinutes(5), Duration.ofMinutes(1));

  public static CertificateLimits fromEnvironment(Map<String, String> env) {
    return new CertificateLimits(
        KubeDuration.parse(env.getOrDefault("PALISADE_MIN_CERTIFICATE_LIFETIME", "1h")),
        KubeDuration.parse(env.getOrDefault("PALISADE_MIN_RENEW_BEFORE", "5m")),
        KubeDuration.parse(env.getOrDefault("PALISADE_MIN_RENEWAL_INTERVAL", "1m")));
  }
}
