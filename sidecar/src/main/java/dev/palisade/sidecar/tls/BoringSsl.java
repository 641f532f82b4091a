package dev.palisade.sidecar.tls;

import io.netty.handler.ssl.OpenSsl;

/**
 * Fails loudly unless Netty's BoringSSL (netty-tcnative-boringssl-static) is loaded: Palisade
 * never falls back to the JDK's TLS, whose behaviour, speed and error reasons differ.
 */
public final class BoringSsl {
  private BoringSsl() {}

  /** The BoringSSL version string, or an error saying what is missing. */
  public static String requireAvailable() {
    try {
      OpenSsl.ensureAvailability();
    } catch (Throwable e) {
      throw new IllegalStateException("BoringSSL is not available (" + e.getMessage() + "); the "
          + "sidecar needs netty-tcnative-boringssl-static for this platform on its classpath"
          + " and a glibc-based image", e);
    }
    String version = OpenSsl.versionString();
    if (version == null || !version.contains("BoringSSL")) {
      throw new IllegalStateException("expected BoringSSL from netty-tcnative-boringssl-static,"
          + " found " + version + "; remove other netty-tcnative jars from the classpath");
    }
    return version;
  }
}
