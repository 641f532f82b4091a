package dev.palisade.sidecar.tls;

/**
 * Where new certificate material goes: the identity client, a PEM file watcher or a test
 * publishes here. {@link TlsMaterialHolder} is the implementation the proxy reads from.
 */
@FunctionalInterface
public interface TlsMaterialSink {
  /**
   * Installs {@code material} for new connections; established ones keep theirs.
   *
   * @throws InvalidTlsMaterialException if it is unusable; the previous material stays in place
   */
  void publish(TlsMaterial material) throws InvalidTlsMaterialException;

  /**
   * The source tried to obtain new material and could not (the CA refused or was unreachable);
   * it will try again, and the material in force stays. Counted as a failed renewal.
   */
  default void sourceFailed() {}
}
