package dev.palisade.common.sidecar;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The body of the proxy's {@code GET :15020/identity}: what it serves and holds now, for
 * {@code palisade identity} and {@code palisade proxy-status}. Public material only: the
 * certificates are what the proxy presents in every handshake anyway; never the key.
 *
 * @param spiffeId the SPIFFE ID of the certificate served
 * @param serial its serial number, lower-case hex
 * @param notBefore its validity, ISO-8601 instants ({@link Instant#toString()})
 * @param chain the chain served, leaf first, PEM
 * @param trustBundleFingerprints SHA-256 fingerprints of the roots peers are verified against
 * @param trustBundleVersion {@code Fingerprints.bundleVersion} of those roots
 * @param configVersion the configuration version in force ({@code static} when running on a
 *     static policy)
 */
public record ProxyIdentity(String spiffeId, String serial, String notBefore, String notAfter,
    List<String> chain, List<String> trustBundleFingerprints, String trustBundleVersion,
    String configVersion) {

  /** The admin path. */
  public static final String PATH = "/identity";
  /** How its 503 body starts before the proxy has a certificate. */
  public static final String NO_CERTIFICATE = "no certificate yet";

  public ProxyIdentity {
    Objects.requireNonNull(spiffeId, "spiffeId");
    chain = chain == null ? List.of() : List.copyOf(chain);
    trustBundleFingerprints = trustBundleFingerprints == null ? List.of()
        : List.copyOf(trustBundleFingerprints);
  }
}
