package dev.palisade.operator.reconciler.workloadcertificate;

import dev.palisade.common.pki.KeyType;
import dev.palisade.common.pki.Pem;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.operator.ca.CaState;
import dev.palisade.operator.ca.SignedCertificate;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** The layout of a WorkloadCertificate's Secret (kubernetes.io/tls plus ca.crt), in and out. */
final class CertificateSecrets {

  private CertificateSecrets() {}

  /** What an existing Secret holds; {@code keyPem} as written, so keeping it changes nothing. */
  record Current(X509Certificate leaf, List<X509Certificate> chain, List<X509Certificate> bundle,
      String keyPem) {}

  /** What the Secret is to hold: the chain (leaf first), its key, and the trust bundle. */
  record Material(String chainPem, String keyPem, String bundlePem) {

    static Material issued(SignedCertificate signed, PrivateKey key) {
      return new Material(Pem.certificates(signed.chain()), Pem.privateKey(key),
          Pem.certificates(signed.trustBundle()));
    }

    /** The certificate and key {@code current} holds, with {@code bundle} as the trust bundle. */
    static Material kept(Current current, List<X509Certificate> bundle) {
      return new Material(Pem.certificates(current.chain()), current.keyPem(),
          Pem.certificates(bundle));
    }
  }

  /** The Secret of WorkloadCertificate {@code owner} holding {@code material}. */
  static Secret build(String namespace, String name, String owner, Material material) {
    return new SecretBuilder()
        .withNewMetadata()
          .withName(name)
          .withNamespace(namespace)
          .addToLabels(WorkloadCertificateReconciler.SECRET_LABEL, owner)
          .addToLabels("app.kubernetes.io/managed-by", "palisade")
        .endMetadata()
        .withType("kubernetes.io/tls")
        .addToData("tls.crt", encode(material.chainPem()))
        .addToData("tls.key", encode(material.keyPem()))
        .addToData("ca.crt", encode(material.bundlePem()))
        .build();
  }

  /** The Secret's contents, or null if it cannot be read (it is then re-issued). */
  static Current read(Secret secret) {
    try {
      Map<String, String> data = secret.getData();
      List<X509Certificate> chain = Pem.parseCertificates(decode(data.get("tls.crt")));
      List<X509Certificate> bundle = Pem.parseCertificates(decode(data.get("ca.crt")));
      String keyPem = decode(data.get("tls.key"));
      Pem.parsePrivateKey(keyPem);
      return new Current(chain.getFirst(), chain, bundle, keyPem);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Whether the Secret's certificate no longer fits, whatever its age: another identity or key
   * type, or it does not chain to the CA's newest root (after a root rotation). An issuer renewed
   * under the same root changes nothing: the old chain stays valid.
   */
  static boolean outdated(Current current, WorkloadIdentity identity, KeyType keyType,
      CaState ca) {
    X509Certificate leaf = current.leaf();
    boolean sameKeyType = (leaf.getPublicKey() instanceof ECPublicKey) == (keyType == KeyType.ECDSA_P256);
    return !sameKeyType
        || !identity.toString().equals(uriSan(leaf))
        || !chainsTo(current.chain(), ca.newestRoot());
  }

  /** Whether the chain's top certificate is signed by {@code root}. */
  private static boolean chainsTo(List<X509Certificate> chain, X509Certificate root) {
    try {
      chain.getLast().verify(root.getPublicKey());
      return true;
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  private static String uriSan(X509Certificate leaf) {
    try {
      var names = leaf.getSubjectAlternativeNames();
      if (names == null) {
        return null;
      }
      return names.stream().filter(n -> (Integer) n.get(0) == 6).map(n -> (String) n.get(1))
          .findFirst().orElse(null);
    } catch (java.security.cert.CertificateParsingException e) {
      return null;
    }
  }

  private static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
  }
}
