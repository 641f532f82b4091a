package dev.palisade.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "!has(self.lifetime) || " + Rules.RENEW_BEFORE_LIFETIME,
    message = Rules.RENEW_BEFORE_LIFETIME_MESSAGE, fieldPath = ".renewBefore")
public class WorkloadCertificateSpec {

  @Required
  @Size(min = 1, max = 2048)
  @ValidationRule(value = "self.matches('" + Rules.WORKLOAD_SPIFFE_ID + "')",
      message = "must be a workload SPIFFE ID, spiffe://<trust domain>/ns/<namespace>/sa/<service"
          + " account>, with a lowercase trust domain and Kubernetes names for namespace and"
          + " service account; the namespace must be this object's own")
  @JsonPropertyDescription("The identity to certify: spiffe://<trust domain>/ns/<namespace>/sa/"
      + "<service account>. The namespace segment must be this object's namespace, and a"
      + " TrustDomain with that trust domain must exist.")
  public String spiffeId;

  @Required
  @Size(min = 1, max = 253)
  @ValidationRule(value = "self.matches('^" + Rules.DNS_SUBDOMAIN + "$')",
      message = "must be a Secret name: lowercase letters, digits, '-' and '.'")
  @JsonPropertyDescription("The Secret (in this namespace) to write tls.crt (leaf then chain),"
      + " tls.key (PKCS#8 PEM) and ca.crt (trust bundle) to. Re-created if deleted.")
  public String secretName;

  @Size(max = 32)
  @ValidationRule(value = Rules.POSITIVE_DURATION, message = Rules.POSITIVE_DURATION_MESSAGE)
  @JsonPropertyDescription("Validity of the certificate. Unset means the TrustDomain's"
      + " workloadCertificates.lifetime (24h by default).")
  public String lifetime;

  @Size(max = 32)
  @ValidationRule(value = Rules.POSITIVE_DURATION, message = Rules.POSITIVE_DURATION_MESSAGE)
  @JsonPropertyDescription("How long before expiry the certificate is renewed. Unset means at"
      + " half its lifetime. Must be shorter than lifetime.")
  public String renewBefore;

  @Default("ECDSA_P256")
  @JsonPropertyDescription("Key type: ECDSA_P256 (default) or RSA_3072.")
  public KeyAlgorithm keyAlgorithm;
}
