package dev.palisade.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class WorkloadCertificateStatus extends Status {
  @JsonPropertyDescription("Start of the current certificate's validity, RFC 3339.")
  public String notBefore;

  @JsonPropertyDescription("End of the current certificate's validity, RFC 3339.")
  public String notAfter;

  @JsonPropertyDescription("When Palisade will renew the certificate, RFC 3339.")
  public String renewalTime;

  @JsonPropertyDescription("Serial number of the current certificate, hex.")
  public String serial;
}
