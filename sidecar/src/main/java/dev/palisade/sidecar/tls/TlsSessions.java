package dev.palisade.sidecar.tls;

import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.internal.tcnative.SSL;

/** Whether a completed handshake resumed an earlier session rather than making a full one. */
public final class TlsSessions {
  private TlsSessions() {}

  /**
   * Asks BoringSSL (Netty keeps its own answer package-private). Holding the engine's lock, as
   * Netty does, so the connection cannot be freed under us; false once it is.
   */
  public static boolean resumed(SslHandler tls) {
    if (!(tls.engine() instanceof ReferenceCountedOpenSslEngine engine)) {
      return false;
    }
    synchronized (engine) {
      long ssl = engine.sslPointer();
      return ssl != 0 && SSL.isSessionReused(ssl);
    }
  }
}
