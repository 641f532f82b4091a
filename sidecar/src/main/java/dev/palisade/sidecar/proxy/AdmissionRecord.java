package dev.palisade.sidecar.proxy;

import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.sidecar.metrics.Direction;
import dev.palisade.sidecar.metrics.PeerLabels;
import dev.palisade.sidecar.metrics.PlaintextReason;
import dev.palisade.sidecar.metrics.ProxyMetrics;
import dev.palisade.sidecar.tls.HandshakeFailure;
import dev.palisade.sidecar.tls.KeyExchangeGroups;
import dev.palisade.sidecar.tls.TlsSessions;
import io.micrometer.core.instrument.Counter;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;

/**
 * How one connection was admitted or refused, counted exactly once in
 * {@code palisade_tls_handshakes_total} and {@code palisade_connections_total} however many
 * handlers see the failure (a handshake failure arrives both as an event and as an exception),
 * with the peer's label; and the bytes relayed for it afterwards. Used on the connection's event
 * loop only.
 */
final class AdmissionRecord {

  private final ProxyMetrics metrics;
  private final Direction direction;
  private final long startNanos = System.nanoTime();
  private boolean decided;
  private String peer = PeerLabels.UNKNOWN;
  private Counter transmitted;

  AdmissionRecord(ProxyMetrics metrics, Direction direction) {
    this.metrics = metrics;
    this.direction = direction;
  }

  Direction direction() {
    return direction;
  }

  boolean decided() {
    return decided;
  }

  /** The peer's identity is verified (it may still be refused, by policy or as a mismatch). */
  void identified(SpiffeId identity) {
    if (!decided) {
      peer = metrics.peerLabel(identity);
    }
  }

  /** The peer speaks plaintext (it may still be refused: STRICT, or by policy). */
  void plaintextPeer() {
    if (!decided) {
      peer = PeerLabels.PLAINTEXT;
    }
  }

  /** The {@code peer} label this connection is counted under. */
  String peer() {
    return peer;
  }

  /** The handshake {@code tls} completed, and the peer is admitted. */
  boolean succeeded(SslHandler tls) {
    if (!decide()) {
      return false;
    }
    metrics.handshakeSucceeded(direction, Duration.ofNanos(System.nanoTime() - startNanos),
        KeyExchangeGroups.negotiated(tls), TlsSessions.resumed(tls));
    return true;
  }

  boolean failed(HandshakeFailure reason) {
    if (!decide()) {
      return false;
    }
    metrics.handshakeFailed(direction, reason);
    return true;
  }

  boolean plaintext(PlaintextReason reason) {
    if (decided) {
      return false;
    }
    plaintextPeer();
    decide();
    metrics.plaintextAccepted(direction, reason);
    return true;
  }

  /** Application bytes relayed for this connection, either way. */
  void relayed(long bytes) {
    if (transmitted == null) {
      transmitted = metrics.transmittedBytes(direction, peer);
    }
    transmitted.increment(bytes);
  }

  private boolean decide() {
    if (decided) {
      return false;
    }
    decided = true;
    metrics.connectionDecided(direction, peer);
    return true;
  }
}
