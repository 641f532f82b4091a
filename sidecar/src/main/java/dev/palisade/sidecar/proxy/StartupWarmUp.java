package dev.palisade.sidecar.proxy;

import dev.palisade.sidecar.tls.BoringSsl;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import org.slf4j.LoggerFactory;

/**
 * Work every proxy start needs that does not depend on its flags, begun on a second thread
 * while the main one parses them: loading and probing BoringSSL (Netty's {@code OpenSsl}), and
 * the JDK's P-256 generator tables, which the check of our own certificate needs (their static
 * initializer alone costs about 45 ms in cold code). Either one is initialized once per JVM, so
 * the main thread later finds it done, or waits for the rest of it; nothing is decided here.
 */
public final class StartupWarmUp {
  private StartupWarmUp() {}

  /** Starts the warm-up on a daemon thread; failures are left for the real use to report. */
  public static void begin() {
    // Logging first, on this thread: SLF4J set up by two threads at once warns that it replayed
    // the calls it held meanwhile.
    LoggerFactory.getLogger(StartupWarmUp.class);
    Thread.ofPlatform().name("palisade-warm-up").daemon().start(() -> {
      try {
        BoringSsl.requireAvailable();
      } catch (RuntimeException e) {
        // The proxy's own call reports it, with its context.
      }
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        generator.generateKeyPair();
      } catch (GeneralSecurityException | RuntimeException e) {
        // Nothing to warm; the certificate check reports what is missing.
      }
    });
  }
}
