package dev.palisade.sidecar.tls;

import dev.palisade.common.spiffe.InvalidSpiffeIdException;
import dev.palisade.common.spiffe.SpiffeId;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Reads the SPIFFE ID of an X.509 SVID: its one and only URI subject alternative name. */
public final class X509Svid {

  private static final int URI_SAN = 6;

  private X509Svid() {}

  /** For messages: the SPIFFE ID if there is one, else the subject, else the serial. */
  public static String describe(X509Certificate certificate) {
    try {
      return spiffeId(certificate).toString();
    } catch (PeerRejectedException e) {
      String subject = certificate.getSubjectX500Principal().getName();
      return subject.isEmpty() ? "serial " + certificate.getSerialNumber().toString(16) : subject;
    }
  }

  /** The certificate's SPIFFE ID, or {@link HandshakeFailure#IDENTITY_MISMATCH} saying why not. */
  public static SpiffeId spiffeId(X509Certificate certificate) throws PeerRejectedException {
    List<String> uris = new ArrayList<>();
    try {
      Collection<List<?>> names = certificate.getSubjectAlternativeNames();
      if (names != null) {
        for (List<?> name : names) {
          if (name.size() >= 2 && Integer.valueOf(URI_SAN).equals(name.get(0))) {
            uris.add(String.valueOf(name.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new PeerRejectedException(HandshakeFailure.IDENTITY_MISMATCH,
          "unreadable subjectAltName: " + e.getMessage(), e);
    }
    if (uris.size() != 1) {
      // The X509-SVID specification: exactly one URI SAN, so identity is never ambiguous.
      throw new PeerRejectedException(HandshakeFailure.IDENTITY_MISMATCH,
          "certificate has " + uris.size() + " URI SANs; a SPIFFE certificate has exactly one");
    }
    try {
      return SpiffeId.parse(uris.getFirst());
    } catch (InvalidSpiffeIdException e) {
      throw new PeerRejectedException(HandshakeFailure.IDENTITY_MISMATCH, e.getMessage(), e);
    }
  }
}
