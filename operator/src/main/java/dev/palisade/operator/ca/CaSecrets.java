package dev.palisade.operator.ca;

import dev.palisade.common.pki.Issuer;
import dev.palisade.common.pki.KeyPairs;
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
 *     issuer.crt  issuer.key   the intermediate that signs leaves
 *   palisade-ca-root-&lt;TrustDomain name&gt;  (type palisade.dev/ca-root, label
 *                                          palisade.dev/ca-root=true; generated roots only)
 *     root.key    the newest root's key
 * </pre>
 *
 * <p>Every replica signs, so every replica's informer holds the CA Secret; only the leader
 * needs the root key, to issue a new issuer or root, and reads its Secret by name when it
 * reconciles: no informer selects it. Installs before the split kept {@code root.key} in the CA
 * Secret; the leader moves it ({@link #holdsRootKey}).
 */
public final class CaSecrets {

  public static final String TYPE = "palisade.dev/ca";
  public static final String LABEL_CA = "palisade.dev/ca";
  public static final String LABEL_TRUST_DOMAIN_OBJECT = "palisade.dev/trustdomain";
  public static final String ROOT_TYPE = "palisade.dev/ca-root";
  /** On root-key Secrets only; informers exclude it ({@code !palisade.dev/ca-root}). */
  public static final String LABEL_ROOT = "palisade.dev/ca-root";
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

  /** The name of the Secret holding a generated root's key. */
  public static String rootName(String trustDomainObjectName) {
    return "palisade-ca-root-" + trustDomainObjectName;
  }

  /** Whether {@code caSecret} still holds the root key (written before the split). */
  public static boolean holdsRootKey(Secret caSecret) {
    return caSecret.getData() != null && caSecret.getData().containsKey(ROOT_KEY);
  }

  /**
   * The root-key Secret for {@code state}: only for a generated root (an imported root's key
   * stays in the user's Secret).
   */
  public static Optional<Secret> toRootSecret(String namespace, String trustDomainObjectName,
      CaState state, boolean generatedRoot) {
    if (!generatedRoot || state.newestRootKey() == null) {
      return Optional.empty();
    }
    return Optional.of(new SecretBuilder()
        .withNewMetadata()
          .withName(rootName(trustDomainObjectName))
          .withNamespace(namespace)
          .addToLabels(LABEL_ROOT, "true")
          .addToLabels(LABEL_TRUST_DOMAIN_OBJECT, trustDomainObjectName)
          .addToLabels("app.kubernetes.io/managed-by", "palisade")
          .addToAnnotations(ANNOTATION_TRUST_DOMAIN, state.trustDomain())
        .endMetadata()
        .withType(ROOT_TYPE)
        .addToData(ROOT_KEY, encode(Pem.privateKey(state.newestRootKey())))
        .build());
  }

  /** The CA Secret for {@code state}: roots and issuer, never the root key. */
  public static Secret toSecret(String namespace, String trustDomainObjectName, CaState state) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(ROOTS, encode(Pem.certificates(state.roots())));
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

  /**
   * The state in {@code caSecret} with the root key from {@code rootSecret} (or, before the
   * split, from the CA Secret itself).
   */
  public static CaState fromSecrets(Secret caSecret, Optional<Secret> rootSecret) {
    CaState state = fromSecret(caSecret);
    Optional<java.security.PrivateKey> rootKey = rootSecret.map(Secret::getData)
        .map(data -> data.get(ROOT_KEY))
        .map(base64 -> Pem.parsePrivateKey(decode(base64)))
        // A write interrupted between the two Secrets leaves a key of another root: unusable.
        .filter(key -> KeyPairs.matches(state.newestRoot().getPublicKey(), key));
    if (rootKey.isEmpty()) {
      return state;
    }
    return new CaState(state.trustDomain(), state.roots(), rootKey.get(), state.issuer(),
        state.newestRootAddedAt(), state.issuerSwitchedAt(), state.workloadLifetime());
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
