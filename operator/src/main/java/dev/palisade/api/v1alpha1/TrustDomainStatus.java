package dev.palisade.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class TrustDomainStatus extends Status {

  @JsonPropertyDescription("The current root CA certificate.")
  public CertificateSummary root;

  @JsonPropertyDescription("The current intermediate issuer certificate.")
  public CertificateSummary issuer;

  @JsonPropertyDescription("Changes whenever the set of roots in the trust bundle changes.")
  public String bundleVersion;

  @JsonPropertyDescription("How many roots the trust bundle carries: 2 while a root rotation is"
      + " in progress.")
  public Integer bundleRoots;

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public static class CertificateSummary {
    @JsonPropertyDescription("SHA-256 fingerprint of the DER certificate, hex.")
    public String fingerprint;

    @JsonPropertyDescription("Expiry, RFC 3339.")
    public String notAfter;
  }
}
