package dev.palisade.sidecar.tls;

import dev.palisade.common.sidecar.SidecarContract;
import io.netty.handler.ssl.OpenSslSession;
import io.netty.handler.ssl.SslHandler;
import java.util.List;

/**
 * The key exchange groups proxies offer, in order of preference, pinned rather than left to the
 * TLS library's defaults (which an upgrade could change): the hybrid post-quantum X25519MLKEM768
 * first, so that two Palisade proxies always agree on it, then the classical X25519 and P-256 for
 * peers without ML-KEM. And the group a handshake negotiated, as the {@code group} label of the
 * handshake metrics.
 */
public final class KeyExchangeGroups {
  private KeyExchangeGroups() {}

  /** Hybrid ML-KEM-768 with X25519 (draft-ietf-tls-ecdhe-mlkem), BoringSSL's name. */
  public static final String POST_QUANTUM = SidecarContract.POST_QUANTUM_GROUP;
  /** Offered, most preferred first; BoringSSL's names. */
  public static final List<String> PREFERRED = List.of(POST_QUANTUM, "X25519", "P-256");
  /** The label of any other group (none is offered, so none should appear). */
  public static final String OTHER = "other";
  /** Every value of the {@code group} label. */
  public static final List<String> LABELS = List.of(POST_QUANTUM, "X25519", "P-256", OTHER);

  /** The label of the group {@code tls}'s completed handshake negotiated. */
  public static String negotiated(SslHandler tls) {
    String group = tls.engine().getSession() instanceof OpenSslSession session
        ? session.getNamedGroup() : null;
    return label(group);
  }

  static String label(String group) {
    if (group == null) {
      return OTHER;
    }
    for (String known : PREFERRED) {
      if (known.equalsIgnoreCase(group)) {
        return known;
      }
    }
    return OTHER;
  }
}
