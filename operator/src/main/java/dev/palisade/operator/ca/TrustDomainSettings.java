package dev.palisade.operator.ca;

import dev.palisade.api.v1alpha1.TrustDomainSpec;
import dev.palisade.common.pki.KeyPairs;
import dev.palisade.common.pki.KeyType;
import dev.palisade.common.pki.Pem;
import dev.palisade.common.time.KubeDuration;
import dev.palisade.operator.ca.CaSettings.GeneratedRoot;
import dev.palisade.operator.ca.CaSettings.ImportedRoot;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Turns a TrustDomain spec (and, for an imported root, its Secret) into {@link CaSettings}. */
public final class TrustDomainSettings {

  private TrustDomainSettings() {}

  /**
   * @param secrets looks up a Secret in the operator's namespace by name
   * @throws CaSourceException when the imported root cannot be used, saying why
   */
  public static CaSettings from(TrustDomainSpec spec, Function<String, Optional<Secret>> secrets,
      Duration bundlePropagation, Instant now) throws CaSourceException {
    TrustDomainSpec.Issuer issuer = Optional.ofNullable(spec.issuer).orElseGet(TrustDomainSpec.Issuer::new);
    TrustDomainSpec.WorkloadCertificates workloads =
        Optional.ofNullable(spec.workloadCertificates).orElseGet(TrustDomainSpec.WorkloadCertificates::new);
    CaSettings.RootSource root = spec.root.secretRef != null
        ? imported(spec.root.secretRef.name, secrets, now)
        : generated(Optional.ofNullable(spec.root.generate).orElseGet(TrustDomainSpec.GeneratedRoot::new));
    return new CaSettings(spec.trustDomain, root,
        keyType(issuer.keyAlgorithm),
        duration(issuer.lifetime, "2160h"),
        duration(issuer.renewBefore, "720h"),
        duration(workloads.lifetime, "24h"),
        bundlePropagation);
  }

  private static GeneratedRoot generated(TrustDomainSpec.GeneratedRoot generate) {
    return new GeneratedRoot(keyType(generate.keyAlgorithm), duration(generate.lifetime, "87600h"),
        duration(generate.renewBefore, "8760h"));
  }

  private static ImportedRoot imported(String name, Function<String, Optional<Secret>> secrets,
      Instant now) throws CaSourceException {
    Secret secret = secrets.apply(name).orElseThrow(() -> new CaSourceException(
        "RootSecretNotFound", "Secret " + name + " (in the operator's namespace) does not exist;"
            + " create it with tls.crt and tls.key of your root CA"));
    Map<String, String> data = Optional.ofNullable(secret.getData()).orElse(Map.of());
    if (!data.containsKey("tls.crt") || !data.containsKey("tls.key")) {
      throw new CaSourceException("RootSecretIncomplete",
          "Secret " + name + " must hold tls.crt (the root CA certificate) and tls.key (its key)");
    }
    X509Certificate certificate;
    PrivateKey key;
    try {
      certificate = Pem.parseCertificates(decode(data.get("tls.crt"))).getFirst();
      key = Pem.parsePrivateKey(decode(data.get("tls.key")));
    } catch (IllegalArgumentException e) {
      throw new CaSourceException("RootSecretUnreadable",
          "Secret " + name + ": " + e.getMessage());
    }
    boolean[] usage = certificate.getKeyUsage();
    if (certificate.getBasicConstraints() < 0 || (usage != null && !usage[5])) {
      throw new CaSourceException("RootNotACa", "Secret " + name + ": tls.crt is not a CA"
          + " certificate (it needs basicConstraints CA:true and keyCertSign)");
    }
    if (!KeyPairs.matches(certificate.getPublicKey(), key)) {
      throw new CaSourceException("RootKeyMismatch",
          "Secret " + name + ": tls.key is not the private key of tls.crt");
    }
    if (!now.isBefore(certificate.getNotAfter().toInstant())) {
      throw new CaSourceException("RootExpired", "Secret " + name + ": tls.crt expired at "
          + certificate.getNotAfter().toInstant());
    }
    return new ImportedRoot(certificate, key);
  }

  private static KeyType keyType(Enum<?> algorithm) {
    return algorithm == null ? KeyType.ECDSA_P256 : KeyType.valueOf(algorithm.name());
  }

  /** The schema defaults and validates durations; the fallback covers objects stored before. */
  private static Duration duration(String value, String fallback) {
    return KubeDuration.parse(value != null ? value : fallback);
  }

  private static String decode(String base64) {
    try {
      return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}
