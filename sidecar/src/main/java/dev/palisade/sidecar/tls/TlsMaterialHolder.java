package dev.palisade.sidecar.tls;

import dev.palisade.common.pki.Fingerprints;
import dev.palisade.common.pki.SerialNumbers;
import dev.palisade.common.revocation.Revocations;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS configuration new connections use. Publishing builds new contexts and swaps them in
 * atomically: connections accepted afterwards use them, established ones keep the contexts they
 * started with, and material that fails to build leaves the last good one in place.
 *
 * <p>It also holds the {@link Revocations} in force, which every context's peer verification
 * reads at handshake time: {@link #updateRevocations} needs no new contexts.
 */
public final class TlsMaterialHolder implements TlsMaterialSink {

  /** Told of every publication, for metrics. */
  public interface Listener {
    void installed(TlsContexts contexts);

    void rejected(TlsMaterial material, InvalidTlsMaterialException error);

    /** The certificate source tried and got nothing; the material in force stays. */
    default void sourceFailed() {}
  }

  private static final Logger LOG = LoggerFactory.getLogger(TlsMaterialHolder.class);

  private final TlsSettings settings;
  private final Listener listener;
  private final AtomicReference<TlsContexts> current = new AtomicReference<>();
  private final AtomicReference<Revocations> revocations =
      new AtomicReference<>(Revocations.NONE);

  public TlsMaterialHolder(TlsSettings settings, Listener listener) {
    BoringSsl.requireAvailable(); // fail at start, not at the first connection
    this.settings = settings;
    this.listener = listener;
  }

  @Override
  public synchronized void publish(TlsMaterial material) throws InvalidTlsMaterialException {
    TlsContexts next;
    try {
      next = TlsContexts.build(material, settings, revocations::get);
    } catch (InvalidTlsMaterialException e) {
      boolean serving = current.get() != null;
      LOG.error("refused new certificate material: {}{}", e.getMessage(),
          serving ? "; still serving the previous certificate" : "; no certificate yet");
      listener.rejected(material, e);
      throw e;
    }
    current.set(next);
    LOG.info("serving {} (serial {}, sha256 {}) until {}", next.identity(),
        SerialNumbers.format(material.leaf().getSerialNumber()),
        Fingerprints.sha256(material.leaf()), material.notAfter());
    listener.installed(next);
  }

  @Override
  public void sourceFailed() {
    listener.sourceFailed();
  }

  /**
   * Verifies peers with {@code roots} from now on, keeping the certificate: the config service
   * pushes a new bundle as soon as a root rotation starts, long before this sidecar's next
   * renewal. Nothing happens before the first certificate (it brings a bundle of its own) or
   * when the bundle is unchanged or empty.
   */
  public synchronized void updateTrustBundle(List<X509Certificate> roots)
      throws InvalidTlsMaterialException {
    TlsContexts serving = current.get();
    if (serving == null || roots.isEmpty()
        || serving.material().trustBundle().equals(roots)) {
      return;
    }
    TlsMaterial material = serving.material();
    LOG.info("trust bundle changed: {} roots", roots.size());
    publish(new TlsMaterial(material.chain(), material.key(), roots));
  }

  /** Handshakes from now on (new and resumed, both directions) refuse what {@code next} names. */
  public void updateRevocations(Revocations next) {
    Revocations previous = revocations.getAndSet(next);
    if (!previous.equals(next)) {
      LOG.info("revocations in force: {} certificates, {} identities", next.serials().size(),
          next.identities().size());
    }
  }

  public Revocations revocations() {
    return revocations.get();
  }

  /** The contexts for a new connection; empty until the first material is installed. */
  public Optional<TlsContexts> current() {
    return Optional.ofNullable(current.get());
  }

  public boolean isLoaded() {
    return current.get() != null;
  }

  public TlsSettings settings() {
    return settings;
  }
}
