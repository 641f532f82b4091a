package dev.palisade.sidecar.tls;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Maps why a TLS handshake failed to the closed set of {@link HandshakeFailure} reasons.
 *
 * <p>Our own verdicts travel as {@link PeerRejectedException} in the cause chain (Netty keeps the
 * trust manager's exception as the cause). The rest comes from BoringSSL as error strings, such
 * as {@code error:10000418:SSL routines:OPENSSL_internal:PEER_DID_NOT_RETURN_A_CERTIFICATE}: we
 * match the reason codes, which BoringSSL keeps stable, not whole messages.
 */
public final class HandshakeFailures {

  private static final int MAX_DEPTH = 16;

  /** BoringSSL reason codes, in order of precedence. */
  private static final List<Rule> RULES = List.of(
      new Rule(HandshakeFailure.NO_CLIENT_CERT, "PEER_DID_NOT_RETURN_A_CERTIFICATE"),
      // We speak only the versions we allow; the peer offered none of them, or said so.
      new Rule(HandshakeFailure.TLS_VERSION, "UNSUPPORTED_PROTOCOL", "ALERT_PROTOCOL_VERSION",
          "TLSV1_ALERT_INAPPROPRIATE_FALLBACK"),
      // Alerts the peer sent about our certificate: it does not trust us.
      new Rule(HandshakeFailure.PEER_REJECTED, "ALERT_BAD_CERTIFICATE", "ALERT_UNKNOWN_CA",
          "ALERT_CERTIFICATE_EXPIRED", "ALERT_CERTIFICATE_UNKNOWN", "ALERT_CERTIFICATE_REVOKED",
          "ALERT_UNSUPPORTED_CERTIFICATE", "TLSV1_CERTIFICATE_REQUIRED", "ALERT_ACCESS_DENIED"),
      // BoringSSL's own verification (only if our trust manager was bypassed).
      new Rule(HandshakeFailure.EXPIRED, "CERTIFICATE_EXPIRED", "CERT_HAS_EXPIRED"),
      new Rule(HandshakeFailure.UNTRUSTED_CHAIN, "CERTIFICATE_VERIFY_FAILED"));

  private record Rule(HandshakeFailure reason, String... codes) {}

  private HandshakeFailures() {}

  public static HandshakeFailure classify(Throwable failure) {
    if (failure == null) {
      return HandshakeFailure.PROTOCOL_ERROR;
    }
    List<Throwable> all = flatten(failure);
    for (Throwable t : all) {
      if (t instanceof PeerRejectedException rejected) {
        return rejected.reason();
      }
    }
    for (Throwable t : all) {
      switch (t) {
        case SslHandshakeTimeoutException e -> {
          return HandshakeFailure.HANDSHAKE_TIMEOUT;
        }
        case NotSslRecordException e -> {
          return HandshakeFailure.PLAINTEXT_REJECTED;
        }
        case CertificateExpiredException e -> {
          return HandshakeFailure.EXPIRED;
        }
        case CertificateNotYetValidException e -> {
          return HandshakeFailure.EXPIRED;
        }
        default -> { }
      }
    }
    StringBuilder messages = new StringBuilder();
    all.forEach(t -> messages.append(t.getMessage()).append('\n'));
    String text = messages.toString().toUpperCase(Locale.ROOT);
    for (Rule rule : RULES) {
      for (String code : rule.codes()) {
        if (text.contains(code)) {
          return rule.reason();
        }
      }
    }
    return HandshakeFailure.PROTOCOL_ERROR;
  }

  /**
   * The most telling message for a log line: our own verdict if there is one, else the innermost
   * cause (Netty's outer exceptions say little, such as "General OpenSslEngine problem").
   */
  public static String describe(Throwable failure) {
    if (failure == null) {
      return "unknown";
    }
    List<Throwable> all = flatten(failure);
    for (Throwable t : all) {
      if (t instanceof PeerRejectedException rejected) {
        return rejected.getMessage();
      }
    }
    Throwable innermost = failure;
    while (innermost.getCause() != null && innermost.getCause() != innermost) {
      innermost = innermost.getCause();
    }
    return innermost.getMessage() == null ? innermost.toString() : innermost.getMessage();
  }

  /** The failure, its causes and suppressed exceptions, breadth first, each once. */
  private static List<Throwable> flatten(Throwable failure) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Throwable> queue = new ArrayDeque<>(List.of(failure));
    List<Throwable> out = new java.util.ArrayList<>();
    while (!queue.isEmpty() && out.size() < MAX_DEPTH) {
      Throwable t = queue.removeFirst();
      if (!seen.add(t)) {
        continue;
      }
      out.add(t);
      if (t.getCause() != null) {
        queue.addLast(t.getCause());
      }
      queue.addAll(List.of(t.getSuppressed()));
    }
    return out;
  }
}
