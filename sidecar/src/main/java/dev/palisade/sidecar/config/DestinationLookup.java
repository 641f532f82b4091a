package dev.palisade.sidecar.config;

import dev.palisade.common.config.DestinationDocument;
import java.util.concurrent.CompletableFuture;

/**
 * Whether an outbound destination is in the mesh, and who may serve it: the operator's
 * {@code /v1/destinations}, cached ({@link OperatorDestinations}).
 */
public interface DestinationLookup extends AutoCloseable {

  /**
   * The answer for {@code ip:port}: fresh from the cache, else asked; a stale answer if asking
   * fails. Fails only when there is no answer at all, and then the caller must not fall back to
   * plaintext.
   */
  CompletableFuture<DestinationDocument> lookup(String ip, int port);

  /** The server at {@code ip:port} presented an identity the answer did not allow: ask again. */
  void stale(String ip, int port);

  @Override
  void close();
}
