package dev.palisade.sidecar.proxy;

import dev.palisade.sidecar.metrics.Direction;
import dev.palisade.sidecar.metrics.PlaintextReason;
import dev.palisade.sidecar.metrics.ProxyMetrics;
import dev.palisade.sidecar.tls.HandshakeFailure;
import java.time.Duration;

/**
 * How one connection was admitted or refused, counted exactly once in
 * {@code palisade_tls_handshakes_total} however many handlers see the failure (a handshake
 * failure arrives both as an event and as an exception). Used on the connection's event loop
 * only.
 */
final class AdmissionRecord {

  private final ProxyMetrics metrics;
  private final Direction direction;
  private final long startNanos = System.nanoTime();
  private boolean decided;

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

  boolean succeeded() {
    if (decided) {
      return false;
    }
    decided = true;
    metrics.handshakeSucceeded(direction, Duration.ofNanos(System.nanoTime() - startNanos));
    return true;
  }

  boolean failed(HandshakeFailure reason) {
    if (decided) {
      return false;
    }
    decided = true;
    metrics.handshakeFailed(direction, reason);
    return true;
  }

  boolean plaintext(PlaintextReason reason) {
    if (decided) {
      return false;
    }
    decided = true;
    metrics.plaintextAccepted(direction, reason);
    return true;
  }
}
