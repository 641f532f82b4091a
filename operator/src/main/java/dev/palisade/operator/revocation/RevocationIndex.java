package dev.palisade.operator.revocation;

import dev.palisade.api.v1alpha1.CertificateRevocation;
import dev.palisade.api.v1alpha1.IdentitySuspension;
import dev.palisade.common.revocation.Revocations;
import dev.palisade.common.spiffe.SpiffeId;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.math.BigInteger;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Informers on CertificateRevocations and IdentitySuspensions (both cluster-scoped), shared by
 * the config service, which sends what is in force to every proxy, and the CA, which signs
 * nothing for a suspended identity. Listeners hear of every change at once: a revocation must
 * reach the proxies within seconds.
 */
public final class RevocationIndex implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RevocationIndex.class);

  private final KubernetesClient client;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private SharedIndexInformer<CertificateRevocation> certificates;
  private SharedIndexInformer<IdentitySuspension> identities;

  public RevocationIndex(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Adds {@code listener}, told after every change, and starts the informers if they are not
   * running, returning once they have listed. Returns what removes the listener again.
   */
  public Runnable subscribe(Runnable listener) {
    listeners.add(listener);
    start();
    return () -> listeners.remove(listener);
  }

  /** Starts the informers if they are not running, returning once they have listed. */
  public synchronized void start() {
    if (certificates != null) {
      return;
    }
    certificates = client.resources(CertificateRevocation.class).inform(handler(), 0);
    identities = client.resources(IdentitySuspension.class).inform(handler(), 0);
  }

  public synchronized boolean synced() {
    return certificates != null && certificates.hasSynced() && identities.hasSynced();
  }

  /**
   * What is in force in {@code trustDomain} at {@code now}.
   *
   * @param issuerNotAfter when the trust domain's issuer expires, if known: the end of a
   *     revocation that gives no expiry of its own ({@link RevocationTerms#expiresAt})
   */
  public Revocations inForce(String trustDomain, Instant now, Optional<Instant> issuerNotAfter) {
    Set<BigInteger> serials = new HashSet<>();
    for (CertificateRevocation revocation : certificateRevocations()) {
      if (revocation.getSpec() == null
          || !trustDomain.equals(revocation.getSpec().trustDomain)) {
        continue;
      }
      Optional<BigInteger> serial = RevocationTerms.serial(revocation);
      if (serial.isEmpty()) {
        LOG.warn("CertificateRevocation {} has no valid serial number; ignored",
            revocation.getMetadata().getName());
      } else if (RevocationTerms.inForce(revocation, now, issuerNotAfter)) {
        serials.add(serial.get());
      }
    }
    Set<SpiffeId> suspended = new HashSet<>();
    for (IdentitySuspension suspension : identitySuspensions()) {
      RevocationTerms.identity(suspension)
          .filter(id -> id.trustDomain().equals(trustDomain))
          .ifPresent(suspended::add);
    }
    return new Revocations(serials, suspended);
  }

  /** The name of an IdentitySuspension of {@code identity}, if one is in force. */
  public Optional<String> suspendedBy(SpiffeId identity) {
    return identitySuspensions().stream()
        .filter(suspension -> RevocationTerms.identity(suspension)
            .filter(identity::equals).isPresent())
        .map(suspension -> suspension.getMetadata().getName())
        .sorted()
        .findFirst();
  }

  public synchronized List<CertificateRevocation> certificateRevocations() {
    return certificates == null ? List.of() : certificates.getStore().list();
  }

  public synchronized List<IdentitySuspension> identitySuspensions() {
    return identities == null ? List.of() : identities.getStore().list();
  }

  private <T extends HasMetadata> ResourceEventHandler<T> handler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        changed();
      }

      @Override
      public void onUpdate(T old, T object) {
        changed();
      }

      @Override
      public void onDelete(T object, boolean finalStateUnknown) {
        changed();
      }
    };
  }

  private void changed() {
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        LOG.error("a revocation listener failed", e);
      }
    }
  }

  @Override
  public synchronized void close() {
    if (certificates != null) {
      certificates.close();
      identities.close();
    }
  }
}
