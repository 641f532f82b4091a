package dev.palisade.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "self == oldSelf",
    message = "is immutable: a revocation is a record of what was revoked; create another"
        + " CertificateRevocation, or delete this one to lift it")
public class CertificateRevocationSpec {

  @Required
  @Size(min = 1, max = 255)
  @ValidationRule(value = "self.matches('^" + Rules.TRUST_DOMAIN + "$')",
      message = "must be a SPIFFE trust domain: lowercase letters, digits, '.', '-' and '_',"
          + " such as cluster.local")
  @JsonPropertyDescription("The trust domain whose CA issued the certificate, such as"
      + " cluster.local.")
  public String trustDomain;

  @Required
  @Size(min = 1, max = 59)
  @ValidationRule(value = "self.matches('" + Rules.SERIAL_NUMBER + "')"
      + " && size(self.replace(':', '')) <= 40",
      message = "must be the certificate's serial number in hex, with or without ':' separators"
          + " (as `openssl x509 -noout -serial` or `palisade identity` prints it), at most 40"
          + " hex digits")
  @ValidationRule(value = "!self.matches('^[0:]+$')", message = "must not be zero")
  @JsonPropertyDescription("Serial number of the certificate to revoke, in hex, with or without"
      + " ':' separators; `palisade identity <pod>` shows the one a pod's proxy serves.")
  public String serialNumber;

  @Size(max = 40)
  @ValidationRule(value = "self.matches('" + Rules.TIMESTAMP + "')",
      message = "must be an RFC 3339 time, such as 2026-12-05T17:00:00Z")
  @JsonPropertyDescription("The certificate's notAfter, if known (`palisade identity` shows"
      + " it): the revocation ends then. Unset: when the trust domain's issuer expires, which no"
      + " certificate it signed can outlive.")
  public String expiresAt;

  @Size(max = 1024)
  @JsonPropertyDescription("Why, for the people who read it later (an incident number, say).")
  public String reason;
}
