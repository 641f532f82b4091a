package dev.palisade.sidecar.tls;

import dev.palisade.common.pki.Fingerprints;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS configuration new connections use. Publishing builds new contexts and swaps them in
 * atomically: connections accepted afterwards use them, established ones keep the contexts they
 * started with, and material that fails to build leaves the last good one in place.
 */
public final class TlsMaterialHolder implements TlsMaterialSink {

  /** Told of every publication, for metrics. */
  public interface Listener {
    void installed(TlsContexts contexts);

    void rejected(TlsMaterial material, InvalidTlsMaterialException error);
  }

  private static final Logger LOG = LoggerFactory.getLogger(TlsMaterialHolder.class);

  private final TlsSettings settings;
  private final Listener listener;
  private final AtomicReference<TlsContexts> current = new AtomicReference<>();

  public TlsMaterialHolder(TlsSettings settings, Listener listener) {
    BoringSsl.requireAvailable(); // fail at start, not at the first connection
    this.settings = settings;
    this.listener = listener;
  }

  @Override
  public void publish(TlsMaterial material) throws InvalidTlsMaterialException {
    TlsContexts next;
    try {
      next = TlsContexts.build(material, settings);
    } catch (InvalidTlsMaterialException e) {
      boolean serving = current.get() != null;
      LOG.error("refused new certificate material: {}{}", e.getMessage(),
          serving ? "; still serving the previous certificate" : "; no certificate yet");
      listener.rejected(material, e);
      throw e;
    }
    current.set(next);
    LOG.info("serving {} (sha256 {}) until {}", next.identity(),
        Fingerprints.sha256(material.leaf()), material.notAfter());
    listener.installed(next);
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
