package dev.palisade.sidecar.tls;

import dev.palisade.common.pki.SerialNumbers;
import dev.palisade.common.revocation.Revocations;
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
import java.util.function.Supplier;

/**
 * Decides whether a peer's certificate chain is a valid SVID of our trust domain: it chains to
 * a root of the trust bundle (PKIX), every certificate is within its validity at the clock's
 * now, the leaf is not a CA, may be used for the peer's role, carries exactly one SPIFFE ID in
 * our trust domain, and is neither revoked nor of a suspended identity. Never a hostname.
 *
 * <p>Trust is checked before time, so a certificate from another CA is {@code untrusted_chain}
 * even when it has also expired; revocation comes last, so only a certificate that would
 * otherwise be accepted is {@code revoked} or {@code identity_suspended}. Revocations are not
 * CRLs or OCSP: they are the {@link Revocations} of the configuration in force, read at each
 * handshake (so a new configuration applies to the next handshake without new contexts).
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
  private final Supplier<Revocations> revocations;

  /** A verifier that revokes nothing (the proxy's check of its own certificate, tests). */
  public PeerVerifier(List<X509Certificate> trustBundle, String trustDomain, Clock clock) {
    this(trustBundle, trustDomain, clock, () -> Revocations.NONE);
  }

  /** @param revocations the revocations in force, read at every verification */
  public PeerVerifier(List<X509Certificate> trustBundle, String trustDomain, Clock clock,
      Supplier<Revocations> revocations) {
    if (trustBundle.isEmpty()) {
      throw new IllegalArgumentException("the trust bundle is empty");
    }
    this.roots = List.copyOf(trustBundle);
    Set<TrustAnchor> set = new HashSet<>();
    roots.forEach(root -> set.add(new TrustAnchor(root, null)));
    this.anchors = Set.copyOf(set);
    this.trustDomain = trustDomain;
    this.clock = clock;
    this.revocations = revocations;
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
    return notRevoked(leaf, identityOf(leaf));
  }

  /**
   * For a resumed TLS session: its chain was verified against this same bundle when the session
   * was created (tickets do not survive a context swap), so only time, identity and
   * revocations can have changed since.
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
    return notRevoked(leaf, identityOf(leaf));
  }

  /** {@code id}, the identity of {@code leaf}, unless either is taken away. */
  private SpiffeId notRevoked(X509Certificate leaf, SpiffeId id) throws PeerRejectedException {
    Revocations inForce = revocations.get();
    if (inForce.revokes(leaf.getSerialNumber())) {
      throw new PeerRejectedException(HandshakeFailure.REVOKED, "the certificate of " + id
          + " with serial " + SerialNumbers.format(leaf.getSerialNumber()) + " is revoked");
    }
    if (inForce.suspends(id)) {
      throw new PeerRejectedException(HandshakeFailure.IDENTITY_SUSPENDED, "the identity " + id
          + " is suspended (certificate serial " + SerialNumbers.format(leaf.getSerialNumber())
          + ")");
    }
    return id;
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
