package dev.palisade.common.spiffe;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The identity of a Kubernetes workload: {@code spiffe://<td>/ns/<namespace>/sa/<service account>},
 * the only form of SPIFFE ID Palisade puts in a workload certificate.
 */
public record WorkloadIdentity(String trustDomain, String namespace, String serviceAccount) {

  // RFC 1123 label (namespaces) and subdomain (service accounts), as Kubernetes validates them.
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  public WorkloadIdentity {
    if (!DNS_LABEL.matcher(namespace).matches()) {
      throw new InvalidSpiffeIdException("namespace is not a valid Kubernetes namespace name: "
          + namespace);
    }
    if (serviceAccount.length() > 253 || !DNS_SUBDOMAIN.matcher(serviceAccount).matches()) {
      throw new InvalidSpiffeIdException(
          "service account is not a valid Kubernetes name: " + serviceAccount);
    }
    new SpiffeId(trustDomain, List.of()); // validates the trust domain
  }

  /** Parses a workload SPIFFE ID, checking its path segment by segment. */
  public static WorkloadIdentity parse(String text) {
    SpiffeId id = SpiffeId.parse(text);
    List<String> p = id.path();
    if (p.size() != 4 || !p.get(0).equals("ns") || !p.get(2).equals("sa")) {
      throw new InvalidSpiffeIdException(
          "workload SPIFFE ID must have the form spiffe://<trust domain>/ns/<namespace>/sa/<service account>: "
              + text);
    }
    return new WorkloadIdentity(id.trustDomain(), p.get(1), p.get(3));
  }

  public SpiffeId toSpiffeId() {
    return new SpiffeId(trustDomain, List.of("ns", namespace, "sa", serviceAccount));
  }

  @Override
  public String toString() {
    return toSpiffeId().toString();
  }
}
