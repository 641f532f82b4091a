package dev.palisade.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Status of CertificateRevocation and IdentitySuspension. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class RevocationStatus extends Status {
  @JsonPropertyDescription("When it stops being enforced, RFC 3339; unset: until deleted.")
  public String expiresAt;
}
