package dev.palisade.testing;

import dev.palisade.common.pki.Issuer;
import dev.palisade.common.pki.KeyType;
import dev.palisade.common.pki.Pem;
import dev.palisade.common.pki.X509Profiles;
import dev.palisade.common.spiffe.WorkloadIdentity;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A Palisade CA built in-process with the production {@link X509Profiles}: a root, an issuer
 * under it, and workload leaves signed by the issuer, as objects or as PEM files.
 */
public final class TestCa {

  /** A leaf with its key and the chain it presents (leaf, issuer). */
  public record Leaf(KeyPair keys, X509Certificate certificate, List<X509Certificate> chain) {
    public X509Certificate leaf() {
      return certificate;
    }
  }

  private final String trustDomain;
  private final Issuer root;
  private final Issuer issuer;

  private TestCa(String trustDomain, Issuer root, Issuer issuer) {
    this.trustDomain = trustDomain;
    this.root = root;
    this.issuer = issuer;
  }

  public static TestCa create(String trustDomain) {
    Instant now = Instant.now();
    Issuer root = Issuer.newRoot(KeyType.ECDSA_P256, trustDomain, now, Duration.ofDays(365));
    return new TestCa(trustDomain, root,
        root.newIntermediate(KeyType.ECDSA_P256, trustDomain, now, Duration.ofDays(90)));
  }

  public String trustDomain() {
    return trustDomain;
  }

  public WorkloadIdentity identity(String namespace, String serviceAccount) {
    return new WorkloadIdentity(trustDomain, namespace, serviceAccount);
  }

  public List<X509Certificate> bundle() {
    return List.of(root.certificate());
  }

  public X509Certificate rootCertificate() {
    return root.certificate();
  }

  public Issuer issuer() {
    return issuer;
  }

  /** A 24h leaf for {@code identity} (which may name another trust domain). */
  public Leaf leaf(WorkloadIdentity identity) {
    return leaf(identity, Instant.now(), Duration.ofHours(24));
  }

  /** A leaf valid from {@code issuedAt - 5 min} for {@code lifetime}: in the past, expired. */
  public Leaf leaf(WorkloadIdentity identity, Instant issuedAt, Duration lifetime) {
    KeyPair keys = KeyType.ECDSA_P256.generate();
    X509Certificate leaf = X509Profiles.workload(keys.getPublic(), identity, issuer, issuedAt,
        lifetime);
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(leaf);
    chain.addAll(issuer.intermediates());
    return new Leaf(keys, leaf, List.copyOf(chain));
  }

  /** A leaf with any URI SANs (none, two, not SPIFFE), for identity checks. */
  public Leaf leafWithUris(List<String> uris) {
    try {
      KeyPair keys = KeyType.ECDSA_P256.generate();
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded()),
          BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(300)),
          Date.from(now.plus(Duration.ofHours(1))), new X500Name("CN=odd"), keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      if (!uris.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
            uris.stream().map(u -> new GeneralName(GeneralName.uniformResourceIdentifier, u))
                .toArray(GeneralName[]::new)));
      }
      X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(builder.build(
          new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.key())));
      return new Leaf(keys, leaf, List.of(leaf, issuer.certificate()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code count} self-signed CA certificates that carry this CA's issuer name, each with a key
   * of its own: look-alikes an attacker sends to make a verifier try signatures.
   */
  public List<X509Certificate> lookAlikeIssuers(int count) {
    try {
      X500Name name = X500Name.getInstance(
          issuer.certificate().getSubjectX500Principal().getEncoded());
      List<X509Certificate> lookAlikes = new ArrayList<>();
      Instant now = Instant.now();
      for (int i = 0; i < count; i++) {
        KeyPair keys = KeyType.ECDSA_P256.generate();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
            BigInteger.valueOf(now.toEpochMilli() + i), Date.from(now.minusSeconds(300)),
            Date.from(now.plus(Duration.ofHours(1))), name, keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        lookAlikes.add(new JcaX509CertificateConverter().getCertificate(builder.build(
            new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))));
      }
      return lookAlikes;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** PEM files of a leaf, as openssl and {@code --cert/--key/--ca-bundle} read them. */
  public record PemFiles(Path chain, Path key, Path bundle) {}

  public PemFiles write(Leaf leaf, Path directory, String name) {
    try {
      Files.createDirectories(directory);
      Path chain = directory.resolve(name + ".crt");
      Path key = directory.resolve(name + ".key");
      Path bundle = directory.resolve("ca.crt");
      Files.writeString(chain, Pem.certificates(leaf.chain()));
      Files.writeString(key, Pem.privateKey(leaf.keys().getPrivate()));
      Files.writeString(bundle, Pem.certificates(bundle()));
      return new PemFiles(chain, key, bundle);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
