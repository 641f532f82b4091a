package dev.palisade.sidecar.proxy;

import dev.palisade.sidecar.metrics.Direction;
import io.netty.util.AttributeKey;
import java.util.Optional;

/**
 * What an established connection was admitted on, kept on its accepted channel so that a new
 * configuration can be checked against it ({@link LiveEnforcement}).
 *
 * @param port inbound: the application port the client dialled; outbound: the destination port
 * @param peer the peer's verified identity and certificate serial; empty for plaintext
 * @param peerLabel the peer as the metrics name it
 */
record Admitted(Direction direction, int port, Optional<VerifiedPeer> peer, String peerLabel) {

  static final AttributeKey<Admitted> KEY = AttributeKey.valueOf("palisade.admitted");

  boolean mtls() {
    return peer.isPresent();
  }
}
