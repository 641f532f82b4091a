package dev.palisade.operator.revocation;

import dev.palisade.api.v1alpha1.CertificateRevocation;
import dev.palisade.api.v1alpha1.RevocationStatus;
import dev.palisade.common.pki.SerialNumbers;
import dev.palisade.operator.ca.CaState;
import dev.palisade.operator.kube.Conditions;
import dev.palisade.operator.kube.EventRecorder;
import dev.palisade.operator.watch.CaSecretWatch;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Keeps a CertificateRevocation's status: whether it is in force and until when, and records an
 * Event when it takes force and when it expires. Enforcement does not wait for this: the config
 * service sends every revocation to the proxies as soon as its informer sees it.
 */
@ControllerConfiguration(name = "certificaterevocation")
public class CertificateRevocationReconciler implements Reconciler<CertificateRevocation> {

  /** How soon to look again while the trust domain's CA is not known. */
  private static final Duration RETRY = Duration.ofSeconds(30);

  private final CaSecretWatch cas;
  private final Clock clock;
  private final RevocationStatusUpdate statuses;

  public CertificateRevocationReconciler(CaSecretWatch cas, Clock clock) {
    this.cas = cas;
    this.clock = clock;
    this.statuses = new RevocationStatusUpdate(new Conditions(clock));
  }

  @Override
  public UpdateControl<CertificateRevocation> reconcile(CertificateRevocation revocation,
      Context<CertificateRevocation> context) {
    EventRecorder events = new EventRecorder(context.getClient(), clock);
    String trustDomain = revocation.getSpec().trustDomain;
    Optional<BigInteger> serial = RevocationTerms.serial(revocation);
    Optional<CaState> ca = cas.registry().state(trustDomain);
    if (serial.isEmpty()) {
      return statuses.apply(revocation, null, false, "InvalidSerialNumber",
          "spec.serialNumber is not a hex serial number; create a corrected"
              + " CertificateRevocation", events);
    }
    if (ca.isEmpty()) {
      return statuses.apply(revocation, null, false, "UnknownTrustDomain",
          "no TrustDomain with a ready CA issues spiffe://" + trustDomain + " certificates;"
              + " check spec.trustDomain (`kubectl get trustdomains`)", events)
          .rescheduleAfter(RETRY);
    }
    Instant issuerNotAfter = ca.get().issuer().certificate().getNotAfter().toInstant();
    Instant expiresAt = RevocationTerms.expiresAt(revocation, Optional.of(issuerNotAfter))
        .orElse(issuerNotAfter);
    Instant now = clock.instant();
    String which = "certificate " + SerialNumbers.format(serial.get()) + " of " + trustDomain;
    if (!now.isBefore(expiresAt)) {
      return statuses.apply(revocation, expiresAt, false, "Expired", which + " has expired"
          + " (" + expiresAt + "), so no proxy accepts it anyway; this revocation is no longer"
          + " sent to the proxies. Delete it once the record is no longer needed.", events);
    }
    return statuses.apply(revocation, expiresAt, true, "InForce", "every proxy of "
        + trustDomain + " refuses " + which + " and has closed connections made with it, until "
        + expiresAt, events)
        .rescheduleAfter(Duration.between(now, expiresAt).plusSeconds(1));
  }
}
