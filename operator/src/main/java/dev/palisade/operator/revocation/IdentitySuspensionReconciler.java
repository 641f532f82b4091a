package dev.palisade.operator.revocation;

import dev.palisade.api.v1alpha1.IdentitySuspension;
import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.operator.kube.Conditions;
import dev.palisade.operator.kube.EventRecorder;
import dev.palisade.operator.watch.CaSecretWatch;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Keeps an IdentitySuspension's status and records an Event when it takes force. Enforcement
 * does not wait for this: the config service and the CA read suspensions from their informer.
 */
@ControllerConfiguration(name = "identitysuspension")
public class IdentitySuspensionReconciler implements Reconciler<IdentitySuspension> {

  private static final Duration RETRY = Duration.ofSeconds(30);

  private final CaSecretWatch cas;
  private final Clock clock;
  private final RevocationStatusUpdate statuses;

  public IdentitySuspensionReconciler(CaSecretWatch cas, Clock clock) {
    this.cas = cas;
    this.clock = clock;
    this.statuses = new RevocationStatusUpdate(new Conditions(clock));
  }

  @Override
  public UpdateControl<IdentitySuspension> reconcile(IdentitySuspension suspension,
      Context<IdentitySuspension> context) {
    EventRecorder events = new EventRecorder(context.getClient(), clock);
    Optional<SpiffeId> identity = RevocationTerms.identity(suspension);
    if (identity.isEmpty()) {
      return statuses.apply(suspension, null, false, "InvalidSpiffeId",
          "spec.spiffeId is not a SPIFFE ID; create a corrected IdentitySuspension", events);
    }
    if (cas.registry().state(identity.get().trustDomain()).isEmpty()) {
      return statuses.apply(suspension, null, false, "UnknownTrustDomain",
          "no TrustDomain with a ready CA issues spiffe://" + identity.get().trustDomain()
              + " identities; check spec.spiffeId (`kubectl get trustdomains`)", events)
          .rescheduleAfter(RETRY);
    }
    return statuses.apply(suspension, null, true, "InForce", "every proxy refuses "
        + identity.get() + " and has closed its connections, and the CA signs nothing for it;"
        + " delete this IdentitySuspension to lift it", events);
  }
}
