package dev.palisade.sidecar.tls;

import dev.palisade.common.spiffe.SpiffeId;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether a peer's certificate chain is a valid SVID of our trust domain: it chains to
 * a root of the trust bundle (PKIX, no revocation: Palisade relies on short lifetimes), every
 * certificate is within its validity at the clock's now, the leaf is not a CA, may be used for
 * the peer's role, and carries exactly one SPIFFE ID in our trust domain. Never a hostname.
 *
 * <p>Trust is checked before time, so a certificate from another CA is {@code untrusted_chain}
 * even when it has also expired.
 *
 * <p>The peer is not trusted yet while this runs, so its cost is bounded: at most
 * {@link #MAX_CHAIN_CERTIFICATES} certificates are looked at (BoringSSL also caps the message at
 * {@link #MAX_CERTIFICATE_LIST_BYTES}), and a certificate is tried as a parent only when its key
 * identifier is the one its child names, so look-alikes with the same names and other keys cost
 * no signature check.
 */
public final class PeerVerifier {

  /** What the peer is to us: which extended key usage its leaf needs. */
  public enum PeerRole {
    CLIENT("1.3.6.1.5.5.7.3.2", "TLS client authentication"),
    SERVER("1.3.6.1.5.5.7.3.1", "TLS server authentication");

    private final String extendedKeyUsage;
    private final String description;

    PeerRole(String extendedKeyUsage, String description) {
      this.extendedKeyUsage = extendedKeyUsage;
      this.description = description;
    }
  }

  /** Leaf, issuer, and room for the root and one more; Palisade's own chains are two long. */
  public static final int MAX_CHAIN_CERTIFICATES = 4;
  /** For BoringSSL's certificate message: four certificates of a few kB each, with room. */
  public static final int MAX_CERTIFICATE_LIST_BYTES = 16 * 1024;

  private final List<X509Certificate> roots;
  private final Set<TrustAnchor> anchors;
  private final String trustDomain;
  private final Clock clock;

  public PeerVerifier(List<X509Certificate> trustBundle, String trustDomain, Clock clock) {
    if (trustBundle.isEmpty()) {
      throw new IllegalArgumentException("the trust bundle is empty");
    }
    this.roots = List.copyOf(trustBundle);
    Set<TrustAnchor> set = new HashSet<>();
    roots.forEach(root -> set.add(new TrustAnchor(root, null)));
    this.anchors = Set.copyOf(set);
    this.trustDomain = trustDomain;
    this.clock = clock;
  }

  public String trustDomain() {
    return trustDomain;
  }

  public List<X509Certificate> roots() {
    return roots;
  }

  /** The peer's SPIFFE ID if {@code chain} (leaf first) is acceptable, else why not. */
  public SpiffeId verify(X509Certificate[] chain, PeerRole role) throws PeerRejectedException {
    if (chain == null || chain.length == 0) {
      throw new PeerRejectedException(HandshakeFailure.NO_CLIENT_CERT, "no certificate presented");
    }
    if (chain.length > MAX_CHAIN_CERTIFICATES) {
      throw new PeerRejectedException(HandshakeFailure.UNTRUSTED_CHAIN, "the peer presented "
          + chain.length + " certificates; at most " + MAX_CHAIN_CERTIFICATES + " are accepted");
    }
    X509Certificate leaf = chain[0];
    if (roots.contains(leaf) || leaf.getBasicConstraints() >= 0) {
      throw new PeerRejectedException(HandshakeFailure.UNTRUSTED_CHAIN,
          "the peer presented a CA certificate, not a workload certificate");
    }
    List<X509Certificate> path = pathFrom(leaf, chain);
    X509Certificate anchor = issuingRoot(path.getLast());
    Instant now = clock.instant();
    validatePath(path, now);
    if (now.isAfter(anchor.getNotAfter().toInstant())) {
      throw new PeerRejectedException(HandshakeFailure.EXPIRED,
          "the root " + anchor.getSubjectX500Principal() + " expired at " + anchor.getNotAfter());
    }
    requireUsage(leaf, role);
    return identityOf(leaf);
  }

  /**
   * For a resumed TLS session: its chain was verified against this same bundle when the session
   * was created (tickets do not survive a context swap), so only time and identity can have
   * changed since.
   */
  public SpiffeId verifyResumed(X509Certificate[] chain) throws PeerRejectedException {
    if (chain == null || chain.length == 0) {
      throw new PeerRejectedException(HandshakeFailure.NO_CLIENT_CERT,
          "resumed session carries no peer certificate");
    }
    X509Certificate leaf = chain[0];
    Instant now = clock.instant();
    if (now.isAfter(leaf.getNotAfter().toInstant())
        || now.isBefore(leaf.getNotBefore().toInstant())) {
      throw new PeerRejectedException(HandshakeFailure.EXPIRED,
          "the resumed session's certificate is valid only from " + leaf.getNotBefore() + " to "
              + leaf.getNotAfter());
    }
    return identityOf(leaf);
  }

  private SpiffeId identityOf(X509Certificate leaf) throws PeerRejectedException {
    SpiffeId id = X509Svid.spiffeId(leaf);
    if (!id.trustDomain().equals(trustDomain)) {
      throw new PeerRejectedException(HandshakeFailure.IDENTITY_MISMATCH,
          "peer " + id + " is not in trust domain " + trustDomain);
    }
    return id;
  }

  /**
   * The path from the leaf up to the certificate a root signed, using what the peer sent in
   * any order (TLS 1.3 allows extra and unordered certificates; some clients repeat the leaf).
   */
  private List<X509Certificate> pathFrom(X509Certificate leaf, X509Certificate[] presented) {
    List<X509Certificate> path = new ArrayList<>(List.of(leaf));
    X509Certificate current = leaf;
    while (path.size() <= presented.length && signingRoot(current) == null) {
      X509Certificate parent = null;
      for (X509Certificate candidate : presented) {
        if (!path.contains(candidate) && !roots.contains(candidate)
            && signedBy(current, candidate)) {
          parent = candidate;
          break;
        }
      }
      if (parent == null) {
        break; // issuingRoot reports it
      }
      path.add(parent);
      current = parent;
    }
    return path;
  }

  private static boolean signedBy(X509Certificate child, X509Certificate parent) {
    if (!child.getIssuerX500Principal().equals(parent.getSubjectX500Principal())
        || !KeyIdentifiers.mayHaveSigned(parent, child)) {
      return false;
    }
    try {
      child.verify(parent.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false; // same name, another key (an older or foreign CA)
    }
  }

  private X509Certificate signingRoot(X509Certificate certificate) {
    for (X509Certificate root : roots) {
      if (signedBy(certificate, root)) {
        return root;
      }
    }
    return null;
  }

  /** The bundle root that signed {@code top}, the last certificate of the path. */
  private X509Certificate issuingRoot(X509Certificate top) throws PeerRejectedException {
    X509Certificate root = signingRoot(top);
    if (root != null) {
      return root;
    }
    throw new PeerRejectedException(HandshakeFailure.UNTRUSTED_CHAIN,
        "the chain does not lead to a root of the trust bundle (issuer "
            + top.getIssuerX500Principal() + ")");
  }

  private void validatePath(List<X509Certificate> path, Instant now) throws PeerRejectedException {
    try {
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(now));
      CertPathValidator.getInstance("PKIX").validate(
          CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
    } catch (CertPathValidatorException e) {
      if (e.getReason() == BasicReason.EXPIRED || e.getReason() == BasicReason.NOT_YET_VALID) {
        throw new PeerRejectedException(HandshakeFailure.EXPIRED, validity(path, e, now), e);
      }
      throw new PeerRejectedException(HandshakeFailure.UNTRUSTED_CHAIN, describe(e), e);
    } catch (InvalidAlgorithmParameterException e) {
      throw new IllegalStateException(e); // anchors is never empty
    } catch (GeneralSecurityException e) {
      throw new PeerRejectedException(HandshakeFailure.UNTRUSTED_CHAIN,
          "the chain cannot be checked: " + e.getMessage(), e);
    }
  }

  private static String validity(List<X509Certificate> path, CertPathValidatorException e,
      Instant now) {
    int index = e.getIndex();
    if (index < 0 || index >= path.size()) {
      return describe(e);
    }
    X509Certificate certificate = path.get(index);
    String which = index == 0 ? "the peer's certificate" : "its issuer "
        + certificate.getSubjectX500Principal();
    return which + " is valid from " + certificate.getNotBefore().toInstant() + " to "
        + certificate.getNotAfter().toInstant() + ", not at " + now;
  }

  private static String describe(CertPathValidatorException e) {
    int index = e.getIndex();
    String where = index < 0 ? "" : " (certificate " + index + " of the chain)";
    return e.getMessage() + where;
  }

  private static void requireUsage(X509Certificate leaf, PeerRole role)
      throws PeerRejectedException {
    List<String> usages;
    try {
      usages = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new PeerRejectedException(HandshakeFailure.UNTRUSTED_CHAIN,
          "unreadable extendedKeyUsage: " + e.getMessage(), e);
    }
    if (usages != null && !usages.contains(role.extendedKeyUsage)) {
      throw new PeerRejectedException(HandshakeFailure.UNTRUSTED_CHAIN,
          "the certificate may not be used for " + role.description);
    }
  }
}
