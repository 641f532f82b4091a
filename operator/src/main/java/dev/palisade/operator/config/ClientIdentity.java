package dev.palisade.operator.config;

import dev.palisade.common.pki.SerialNumbers;
import dev.palisade.common.revocation.Revocations;
import dev.palisade.common.spiffe.InvalidSpiffeIdException;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.operator.http.Request;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

/**
 * Who is calling: the workload identity in the client certificate the TLS handshake verified
 * against the trust bundle. The certificate's only URI SAN must be a workload SPIFFE ID of the
 * operator's trust domain, and neither the certificate revoked nor the identity suspended: a
 * leaked key reads no configuration.
 */
final class ClientIdentity {

  private static final int URI_SAN = 6;

  private ClientIdentity() {}

  static WorkloadIdentity of(Request request, String trustDomain, Revocations revocations)
      throws ConfigRefusal {
    if (request.peerCertificates().isEmpty()) {
      throw new ConfigRefusal(ConfigOutcome.NO_CLIENT_CERTIFICATE, "present the workload's"
          + " certificate (from /v1/certificates) as the TLS client certificate");
    }
    X509Certificate leaf = request.peerCertificates().getFirst();
    List<String> uris = uris(leaf);
    if (uris.size() != 1) {
      throw new ConfigRefusal(ConfigOutcome.NOT_A_WORKLOAD, "the client certificate must carry"
          + " exactly one URI SAN, the workload's SPIFFE ID; it has " + uris.size());
    }
    WorkloadIdentity identity;
    try {
      identity = WorkloadIdentity.parse(uris.getFirst());
    } catch (InvalidSpiffeIdException e) {
      throw new ConfigRefusal(ConfigOutcome.NOT_A_WORKLOAD, "the client certificate's identity"
          + " is not a workload SPIFFE ID: " + e.getMessage());
    }
    if (!identity.trustDomain().equals(trustDomain)) {
      throw new ConfigRefusal(ConfigOutcome.WRONG_TRUST_DOMAIN, "the client certificate is for"
          + " trust domain " + identity.trustDomain() + "; this operator serves " + trustDomain);
    }
    if (revocations.revokes(leaf.getSerialNumber())) {
      throw new ConfigRefusal(ConfigOutcome.REVOKED, "the client certificate (serial "
          + SerialNumbers.format(leaf.getSerialNumber()) + ") is revoked; get a new one from"
          + " /v1/certificates");
    }
    if (revocations.suspends(identity.toSpiffeId())) {
      throw new ConfigRefusal(ConfigOutcome.IDENTITY_SUSPENDED, identity + " is suspended");
    }
    return identity;
  }

  private static List<String> uris(X509Certificate leaf) {
    try {
      Collection<List<?>> names = leaf.getSubjectAlternativeNames();
      if (names == null) {
        return List.of();
      }
      return names.stream()
          .filter(name -> name.size() == 2 && Integer.valueOf(URI_SAN).equals(name.get(0)))
          .map(name -> String.valueOf(name.get(1)))
          .toList();
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }
}
