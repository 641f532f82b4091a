package dev.palisade.sidecar.tls;

import dev.palisade.common.sidecar.SidecarContract;
import io.netty.handler.ssl.OpenSslSession;
import io.netty.handler.ssl.SslHandler;
import java.util.ArrayList;
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
  /** Offered unless configured otherwise, most preferred first; BoringSSL's names. */
  public static final String PREFERRED_FLAG = POST_QUANTUM + ",X25519,P-256";
  /** {@link #PREFERRED_FLAG} as a list. */
  public static final List<String> PREFERRED = List.of(PREFERRED_FLAG.split(","));
  /** The label of any other group (none is offered, so none should appear). */
  public static final String OTHER = "other";
  /** Every value of the {@code group} label. */
  public static final List<String> LABELS = List.of(POST_QUANTUM, "X25519", "P-256", OTHER);

  /**
   * {@code groups} checked and spelled as BoringSSL spells them: at least one, each one of
   * {@link #PREFERRED}, none twice. Fewer groups (say, {@code X25519} alone to match a classical
   * peer's settings, or {@code P-256} for a FIPS policy) are allowed; unknown ones are not, so a
   * typo cannot silently fall back to BoringSSL's defaults.
   *
   * @throws IllegalArgumentException naming the group to fix
   */
  public static List<String> parse(List<String> groups) {
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("no key exchange group: name at least one of "
          + String.join(", ", PREFERRED));
    }
    List<String> known = new ArrayList<>();
    for (String group : groups) {
      String name = label(group.strip());
      if (name.equals(OTHER)) {
        throw new IllegalArgumentException("unknown key exchange group '" + group
            + "': use one or more of " + String.join(", ", PREFERRED));
      }
      if (known.contains(name)) {
        throw new IllegalArgumentException("key exchange group " + name + " is named twice");
      }
      known.add(name);
    }
    return List.copyOf(known);
  }

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
