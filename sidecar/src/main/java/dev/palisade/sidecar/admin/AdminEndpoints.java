package dev.palisade.sidecar.admin;

import dev.palisade.common.sidecar.ProxyIdentity;
import java.util.Optional;

/** What the admin port exposes, implemented by the proxy runtime. */
public interface AdminEndpoints {

  /** A certificate is loaded, the listeners are bound, and the proxy is not draining. */
  boolean ready();

  /** What the proxy serves and holds now; empty before its first certificate. */
  Optional<ProxyIdentity> identity();

  /** The Prometheus text exposition. */
  String metrics();

  /** Starts a graceful shutdown (stop accepting, drain, exit); returns at once. */
  void shutdown();
}
