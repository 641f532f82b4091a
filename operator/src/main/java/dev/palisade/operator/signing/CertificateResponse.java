package dev.palisade.operator.signing;

import dev.palisade.common.pki.Pem;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.operator.ca.SignedCertificate;

/**
 * The answer to a signing request: the chain to present (leaf, then intermediates), the roots
 * to trust, the identity granted, and when the leaf expires (RFC 3339).
 */
public record CertificateResponse(String certificateChain, String trustBundle, String spiffeId,
    String notAfter) {

  static CertificateResponse of(SignedCertificate signed, WorkloadIdentity identity) {
    return new CertificateResponse(Pem.certificates(signed.chain()),
        Pem.certificates(signed.trustBundle()), identity.toString(),
        signed.leaf().getNotAfter().toInstant().toString());
  }
}
