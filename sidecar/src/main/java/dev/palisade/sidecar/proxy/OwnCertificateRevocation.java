package dev.palisade.sidecar.proxy;

import dev.palisade.common.pki.SerialNumbers;
import dev.palisade.common.revocation.Revocations;
import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.sidecar.tls.CertificateSource;
import dev.palisade.sidecar.tls.TlsContexts;
import dev.palisade.sidecar.tls.TlsMaterialHolder;
import java.math.BigInteger;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the proxy does when a configuration takes its own certificate away: every peer refuses a
 * revoked certificate, so it asks its {@link CertificateSource} for a new one, with a new key,
 * at once, and once per revoked serial (a failed attempt backs off as renewals do, and later
 * configurations that still revoke it do not ask again). A suspended identity cannot be renewed
 * (the CA refuses it) and is only reported.
 */
final class OwnCertificateRevocation {

  private static final Logger LOG = LoggerFactory.getLogger(OwnCertificateRevocation.class);

  private final TlsMaterialHolder tls;
  private final CertificateSource certificates;
  private BigInteger renewalAskedFor;
  private SpiffeId reportedSuspended;

  OwnCertificateRevocation(TlsMaterialHolder tls, CertificateSource certificates) {
    this.tls = tls;
    this.certificates = certificates;
  }

  /** Called with each configuration's revocations, after they are in force. */
  synchronized void check(Revocations revocations) {
    Optional<TlsContexts> serving = tls.current();
    if (serving.isEmpty()) {
      return; // the first certificate is being requested: it is a new one anyway
    }
    SpiffeId identity = serving.get().identity();
    BigInteger serial = serving.get().material().leaf().getSerialNumber();
    if (revocations.suspends(identity)) {
      if (!identity.equals(reportedSuspended)) {
        LOG.warn("this proxy's identity {} is suspended: peers refuse it and the CA would refuse"
            + " to renew it, so it is not renewed until the suspension is lifted", identity);
        reportedSuspended = identity;
      }
      return;
    }
    reportedSuspended = null;
    if (revocations.revokes(serial) && !serial.equals(renewalAskedFor)) {
      renewalAskedFor = serial;
      certificates.renewNow("this proxy's certificate for " + identity + " (serial "
          + SerialNumbers.format(serial) + ") is revoked");
    }
  }
}
