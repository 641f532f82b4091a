package dev.palisade.operator.ca;

import dev.palisade.common.pki.Issuer;
import dev.palisade.common.pki.Pem;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes a trust domain's {@link CaState} as a Secret in the operator's namespace.
 * Only this class knows the Secret's layout:
 *
 * <pre>
 *   palisade-ca-&lt;TrustDomain name&gt;  (type palisade.dev/ca, label palisade.dev/ca=true)
 *     ca.crt      trusted roots, oldest first (the trust bundle)
 *     root.key    the newest root's key (generated roots only)
 *     issuer.crt  issuer.key   the intermediate that signs leaves
 * </pre>
 */
public final class CaSecrets {

  public static final String TYPE = "palisade.dev/ca";
  public static final String LABEL_CA = "palisade.dev/ca";
  public static final String LABEL_TRUST_DOMAIN_OBJECT = "palisade.dev/trustdomain";
  static final String ANNOTATION_TRUST_DOMAIN = "palisade.dev/trust-domain";
  static final String ANNOTATION_ROOT_ADDED = "palisade.dev/newest-root-added-at";
  static final String ANNOTATION_ISSUER_SWITCHED = "palisade.dev/issuer-switched-at";
  static final String ANNOTATION_WORKLOAD_LIFETIME = "palisade.dev/workload-lifetime";
  static final String ROOTS = "ca.crt";
  static final String ROOT_KEY = "root.key";
  static final String ISSUER_CERT = "issuer.crt";
  static final String ISSUER_KEY = "issuer.key";

  private CaSecrets() {}

  public static String name(String trustDomainObjectName) {
    return "palisade-ca-" + trustDomainObjectName;
  }

  /** The Secret for {@code state}; the root key is kept only when Palisade generated the root. */
  public static Secret toSecret(String namespace, String trustDomainObjectName, CaState state,
      boolean keepRootKey) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(ROOTS, encode(Pem.certificates(state.roots())));
    if (keepRootKey && state.newestRootKey() != null) {
      data.put(ROOT_KEY, encode(Pem.privateKey(state.newestRootKey())));
    }
    data.put(ISSUER_CERT, encode(Pem.certificate(state.issuer().certificate())));
    data.put(ISSUER_KEY, encode(Pem.privateKey(state.issuer().key())));
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(ANNOTATION_TRUST_DOMAIN, state.trustDomain());
    annotations.put(ANNOTATION_ROOT_ADDED, state.newestRootAddedAt().toString());
    if (state.issuerSwitchedAt() != null) {
      annotations.put(ANNOTATION_ISSUER_SWITCHED, state.issuerSwitchedAt().toString());
    }
    annotations.put(ANNOTATION_WORKLOAD_LIFETIME, state.workloadLifetime().toString());
    return new SecretBuilder()
        .withNewMetadata()
          .withName(name(trustDomainObjectName))
          .withNamespace(namespace)
          .addToLabels(LABEL_CA, "true")
          .addToLabels(LABEL_TRUST_DOMAIN_OBJECT, trustDomainObjectName)
          .addToLabels("app.kubernetes.io/managed-by", "palisade")
          .withAnnotations(annotations)
        .endMetadata()
        .withType(TYPE)
        .withData(data)
        .build();
  }

  /**
   * The state in {@code secret}.
   *
   * @throws IllegalArgumentException naming what is missing or unreadable
   */
  public static CaState fromSecret(Secret secret) {
    Map<String, String> data = Optional.ofNullable(secret.getData()).orElse(Map.of());
    Map<String, String> annotations =
        Optional.ofNullable(secret.getMetadata().getAnnotations()).orElse(Map.of());
    List<java.security.cert.X509Certificate> roots = Pem.parseCertificates(required(data, ROOTS));
    var rootKey = data.containsKey(ROOT_KEY) ? Pem.parsePrivateKey(decode(data.get(ROOT_KEY))) : null;
    var issuerCert = Pem.parseCertificates(required(data, ISSUER_CERT)).getFirst();
    var issuerKey = Pem.parsePrivateKey(required(data, ISSUER_KEY));
    var issuerRoot = roots.reversed().stream()
        .filter(root -> signedBy(issuerCert, root))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("issuer.crt chains to none of the roots"));
    String switched = annotations.get(ANNOTATION_ISSUER_SWITCHED);
    return new CaState(
        requiredAnnotation(annotations, ANNOTATION_TRUST_DOMAIN),
        roots, rootKey, new Issuer(issuerCert, issuerKey, List.of(issuerRoot)),
        Instant.parse(requiredAnnotation(annotations, ANNOTATION_ROOT_ADDED)),
        switched == null ? null : Instant.parse(switched),
        Duration.parse(requiredAnnotation(annotations, ANNOTATION_WORKLOAD_LIFETIME)));
  }

  /** The roots of a CA Secret, for consumers that need only the trust bundle. */
  public static List<java.security.cert.X509Certificate> roots(Secret secret) {
    return Pem.parseCertificates(required(
        Optional.ofNullable(secret.getData()).orElse(Map.of()), ROOTS));
  }

  public static String trustDomain(Secret secret) {
    return requiredAnnotation(
        Optional.ofNullable(secret.getMetadata().getAnnotations()).orElse(Map.of()),
        ANNOTATION_TRUST_DOMAIN);
  }

  private static boolean signedBy(java.security.cert.X509Certificate certificate,
      java.security.cert.X509Certificate root) {
    try {
      certificate.verify(root.getPublicKey());
      return true;
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  private static String required(Map<String, String> data, String key) {
    String value = data.get(key);
    if (value == null) {
      throw new IllegalArgumentException("CA Secret has no " + key);
    }
    return decode(value);
  }

  private static String requiredAnnotation(Map<String, String> annotations, String key) {
    String value = annotations.get(key);
    if (value == null) {
      throw new IllegalArgumentException("CA Secret has no annotation " + key);
    }
    return value;
  }

  private static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
  }
}
