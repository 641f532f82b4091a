package dev.palisade.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class TrustDomainSpec {

  @Required
  @Size(min = 1, max = 255)
  @ValidationRule(value = "self.matches('^" + Rules.TRUST_DOMAIN + "$')",
      message = "must be a SPIFFE trust domain: lowercase letters, digits, '.', '-' and '_',"
          + " such as cluster.local")
  @ValidationRule(value = "self == oldSelf",
      message = "is immutable: every identity in the trust domain carries it; create a new"
          + " TrustDomain instead")
  @JsonPropertyDescription("The SPIFFE trust domain name, the host part of every identity it"
      + " issues: spiffe://<trustDomain>/ns/<namespace>/sa/<service account>. Immutable.")
  public String trustDomain;

  @Required
  @JsonPropertyDescription("Where the root CA comes from: set exactly one of generate or"
      + " secretRef.")
  public RootSource root;

  @JsonPropertyDescription("The intermediate CA that signs workload certificates. Palisade"
      + " re-issues it from the root at its renewal point, with no traffic impact.")
  @Default("{}")
  public Issuer issuer;

  @JsonPropertyDescription("Lifetime and renewal of the workload certificates this trust domain"
      + " signs.")
  @Default("{}")
  public WorkloadCertificates workloadCertificates;

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @ValidationRule(value = "has(self.generate) != has(self.secretRef)",
      message = "set exactly one CA source: generate (Palisade creates and rotates the root) or"
          + " secretRef (import a root from a Secret in the operator's namespace)")
  public static class RootSource {
    @JsonPropertyDescription("Palisade generates a self-signed root and rotates it at its renewal"
        + " point, keeping old and new roots in the trust bundle until every leaf is re-issued.")
    public GeneratedRoot generate;

    @JsonPropertyDescription("Import the root from a Secret in the operator's namespace holding"
        + " tls.crt (a CA certificate) and tls.key (its private key). Changing the Secret rotates"
        + " the root.")
    public SecretRef secretRef;
  }

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @ValidationRule(value = Rules.RENEW_BEFORE_LIFETIME, message = Rules.RENEW_BEFORE_LIFETIME_MESSAGE,
      fieldPath = ".renewBefore")
  public static class GeneratedRoot {
    @Default("ECDSA_P256")
    @JsonPropertyDescription("Key type of the root: ECDSA_P256 (default) or RSA_3072.")
    public KeyAlgorithm keyAlgorithm;

    @Default("87600h")
    @Size(max = 32)
    @ValidationRule(value = Rules.POSITIVE_DURATION, message = Rules.POSITIVE_DURATION_MESSAGE)
    @JsonPropertyDescription("Validity of the root, as a duration such as 87600h (10 years,"
        + " the default).")
    public String lifetime;

    @Default("8760h")
    @Size(max = 32)
    @ValidationRule(value = Rules.POSITIVE_DURATION, message = Rules.POSITIVE_DURATION_MESSAGE)
    @JsonPropertyDescription("How long before expiry a new root is generated (default 8760h)."
        + " Must be shorter than lifetime.")
    public String renewBefore;
  }

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public static class SecretRef {
    @Required
    @Size(min = 1, max = 253)
    @ValidationRule(value = "self.matches('^" + Rules.DNS_SUBDOMAIN + "$')",
        message = "must be a Secret name: lowercase letters, digits, '-' and '.'")
    @JsonPropertyDescription("Name of the Secret, in the operator's namespace.")
    public String name;
  }

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @ValidationRule(value = Rules.RENEW_BEFORE_LIFETIME, message = Rules.RENEW_BEFORE_LIFETIME_MESSAGE,
      fieldPath = ".renewBefore")
  public static class Issuer {
    @Default("ECDSA_P256")
    @JsonPropertyDescription("Key type of the issuer: ECDSA_P256 (default) or RSA_3072.")
    public KeyAlgorithm keyAlgorithm;

    @Default("2160h")
    @Size(max = 32)
    @ValidationRule(value = Rules.POSITIVE_DURATION, message = Rules.POSITIVE_DURATION_MESSAGE)
    @JsonPropertyDescription("Validity of the issuer certificate (default 2160h, 90 days); never"
        + " beyond the root's.")
    public String lifetime;

    @Default("720h")
    @Size(max = 32)
    @ValidationRule(value = Rules.POSITIVE_DURATION, message = Rules.POSITIVE_DURATION_MESSAGE)
    @JsonPropertyDescription("How long before expiry the issuer is re-issued (default 720h)."
        + " Must be shorter than lifetime.")
    public String renewBefore;
  }

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @ValidationRule(value = Rules.RENEW_BEFORE_LIFETIME, message = Rules.RENEW_BEFORE_LIFETIME_MESSAGE,
      fieldPath = ".renewBefore")
  @ValidationRule(value = Rules.LIFETIME_WITHIN_MAXIMUM, message = Rules.LIFETIME_WITHIN_MAXIMUM_MESSAGE,
      fieldPath = ".lifetime")
  public static class WorkloadCertificates {
    @Default("24h")
    @Size(max = 32)
    @ValidationRule(value = Rules.POSITIVE_DURATION, message = Rules.POSITIVE_DURATION_MESSAGE)
    @JsonPropertyDescription("Validity of workload certificates (default 24h).")
    public String lifetime;

    @Size(max = 32)
    @ValidationRule(value = Rules.POSITIVE_DURATION, message = Rules.POSITIVE_DURATION_MESSAGE)
    @JsonPropertyDescription("How long before expiry a workload certificate is renewed. Unset"
        + " means at half its lifetime (sidecars add jitter). Must be shorter than lifetime.")
    public String renewBefore;

    @Size(max = 32)
    @ValidationRule(value = Rules.POSITIVE_DURATION, message = Rules.POSITIVE_DURATION_MESSAGE)
    @JsonPropertyDescription("The longest lifetime this trust domain's certificates may have:"
        + " lifetime here must not exceed it, and a WorkloadCertificate asking for more is"
        + " refused (Ready=False, LifetimeTooLong). Unset means no maximum but the issuer's own"
        + " expiry.")
    public String maxLifetime;
  }
}
