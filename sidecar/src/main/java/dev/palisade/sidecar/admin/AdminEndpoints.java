package dev.palisade.sidecar.admin;

/** What the admin port exposes, implemented by the proxy runtime. */
public interface AdminEndpoints {

  /** A certificate is loaded, the listeners are bound, and the proxy is not draining. */
  boolean ready();

  /** The Prometheus text exposition. */
  String metrics();

  /** Starts a graceful shutdown (stop accepting, drain, exit); returns at once. */
  void shutdown();
}
