package dev.palisade.common.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.common.spiffe.WorkloadIdentity;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.Provider;
import java.security.Security;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Issues each profile, re-parses it with the JDK's CertificateFactory and checks every field. */
class X509ProfilesTest {

  private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
  private static final String TD = "cluster.local";
  private static final WorkloadIdentity CART = new WorkloadIdentity(TD, "shop", "cart");

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void rootIsASelfSignedCaWithPathLenOne(KeyType type) throws Exception {
    KeyPair keys = type.generate();
    X509Certificate root = reparse(X509Profiles.root(keys, TD, NOW, Duration.ofDays(3650)));

    assertThat(root.getBasicConstraints()).isEqualTo(1);
    assertThat(root.getCriticalExtensionOIDs()).contains(Extension.basicConstraints.getId(),
        Extension.keyUsage.getId());
    assertThat(root.getKeyUsage()).isEqualTo(keyUsage(5, 6)); // keyCertSign, cRLSign
    assertThat(root.getSubjectX500Principal()).isEqualTo(root.getIssuerX500Principal());
    assertThat(root.getSubjectX500Principal().getName()).contains("O=cluster.local");
    assertThat(subjectKeyId(root)).isEqualTo(authorityKeyId(root));
    root.verify(keys.getPublic());
    assertThat(root.getNotBefore().toInstant()).isEqualTo(NOW.minus(X509Profiles.CLOCK_SKEW));
    assertThat(root.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(3650)));
    assertThat(root.getSigAlgName()).isEqualTo(type.signatureAlgorithm());
  }

  @Test
  void intermediateIsSignedByTheRootWithPathLenZeroAndNeverOutlivesIt() throws Exception {
    Issuer root = root(Duration.ofDays(30));
    KeyPair keys = KeyType.ECDSA_P256.generate();
    X509Certificate issuer = reparse(X509Profiles.intermediate(keys.getPublic(), root, TD, NOW,
        Duration.ofDays(90)));

    assertThat(issuer.getBasicConstraints()).isZero();
    assertThat(issuer.getKeyUsage()).isEqualTo(keyUsage(5, 6));
    assertThat(issuer.getIssuerX500Principal()).isEqualTo(root.certificate().getSubjectX500Principal());
    assertThat(authorityKeyId(issuer)).isEqualTo(subjectKeyId(root.certificate()));
    assertThat(subjectKeyId(issuer)).isNotEqualTo(subjectKeyId(root.certificate()));
    assertThat(issuer.getNotAfter()).as("clamped to the root's expiry")
        .isEqualTo(root.certificate().getNotAfter());
    issuer.verify(root.certificate().getPublicKey());
  }

  @Test
  void workloadLeafCarriesExactlyOneSpiffeUriAndNothingElse() throws Exception {
    Issuer issuer = issuer();
    KeyPair keys = KeyType.ECDSA_P256.generate();
    X509Certificate leaf = reparse(X509Profiles.workload(keys.getPublic(), CART, issuer, NOW,
        Duration.ofHours(24)));

    assertThat(leaf.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(leaf.getCriticalExtensionOIDs()).contains(Extension.basicConstraints.getId(),
        Extension.keyUsage.getId(), Extension.subjectAlternativeName.getId());
    assertThat(leaf.getKeyUsage()).isEqualTo(keyUsage(0)); // digitalSignature only
    assertThat(leaf.getExtendedKeyUsage())
        .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(leaf.getSubjectAlternativeNames()).containsExactly(
        List.of(6, "spiffe://cluster.local/ns/shop/sa/cart"));
    assertThat(leaf.getSubjectX500Principal().getName()).isEmpty();
    assertThat(authorityKeyId(leaf)).isEqualTo(subjectKeyId(issuer.certificate()));
    assertThat(leaf.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofHours(24)));
    assertThat(leaf.getNotBefore().toInstant()).isEqualTo(NOW.minus(X509Profiles.CLOCK_SKEW));
  }

  @Test
  void rsaLeavesAlsoAllowKeyEncipherment() throws Exception {
    X509Certificate leaf = reparse(X509Profiles.workload(KeyType.RSA_3072.generate().getPublic(),
        CART, issuer(), NOW, Duration.ofHours(1)));
    assertThat(leaf.getKeyUsage()).isEqualTo(keyUsage(0, 2));
  }

  @Test
  void serialsAreRandom128BitPositiveNumbers() {
    Issuer issuer = issuer();
    Set<BigInteger> serials = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      BigInteger serial = X509Profiles.workload(KeyType.ECDSA_P256.generate().getPublic(), CART,
          issuer, NOW, Duration.ofHours(1)).getSerialNumber();
      assertThat(serial.signum()).isPositive();
      assertThat(serial.bitLength()).isEqualTo(127); // top bit clear (positive), next bit set
      serials.add(serial);
    }
    assertThat(serials).hasSize(50);
  }

  @Test
  void fullChainValidatesWithTheJdkPkixValidator() throws Exception {
    Issuer root = root(Duration.ofDays(3650));
    KeyPair issuerKeys = KeyType.ECDSA_P256.generate();
    Issuer issuer = new Issuer(X509Profiles.intermediate(issuerKeys.getPublic(), root, TD,
        NOW, Duration.ofDays(90)), issuerKeys.getPrivate(), List.of(root.certificate()));
    X509Certificate leaf = X509Profiles.workload(KeyType.ECDSA_P256.generate().getPublic(), CART,
        issuer, NOW, Duration.ofHours(24));

    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    var path = factory.generateCertPath(List.of(leaf, issuer.certificate()));
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root.certificate(), null)));
    params.setRevocationEnabled(false);
    params.setDate(java.util.Date.from(NOW.plus(Duration.ofHours(1))));
    CertPathValidator.getInstance("PKIX").validate(path, params);
    assertThat(issuer.intermediates()).containsExactly(issuer.certificate());
  }

  static Stream<Provider> signingProviders() {
    return Stream.of(Security.getProvider("SunEC"), new BouncyCastleProvider());
  }

  @ParameterizedTest
  @MethodSource("signingProviders")
  void workloadLeafSignedThroughAChosenProviderIsTheSameProfile(Provider provider)
      throws Exception {
    Issuer issuer = issuer();
    X509Certificate leaf = reparse(X509Profiles.workload(KeyType.ECDSA_P256.generate().getPublic(),
        CART, issuer, NOW, Duration.ofHours(24), provider));

    leaf.verify(issuer.certificate().getPublicKey()); // checked by the JDK, whoever signed
    assertThat(leaf.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(leaf.getSubjectAlternativeNames()).containsExactly(
        List.of(6, "spiffe://cluster.local/ns/shop/sa/cart"));
    assertThat(leaf.getKeyUsage()).isEqualTo(keyUsage(0));
    assertThat(authorityKeyId(leaf)).isEqualTo(subjectKeyId(issuer.certificate()));
  }

  @Test
  void theChosenProviderIsReallyUsed() {
    // SunRsaSign has no ECDSA: if the choice were ignored, SunEC would quietly sign instead.
    assertThatThrownBy(() -> X509Profiles.workload(KeyType.ECDSA_P256.generate().getPublic(),
        CART, issuer(), NOW, Duration.ofHours(1), Security.getProvider("SunRsaSign")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("could not issue certificate");
  }

  @Test
  void serverLeafHasTheOperatorIdentityAndDnsNames() throws Exception {
    X509Certificate leaf = reparse(X509Profiles.server(KeyType.ECDSA_P256.generate().getPublic(),
        new WorkloadIdentity(TD, "palisade-system", "palisade-operator"),
        List.of("palisade-operator.palisade-system.svc"), issuer(), NOW, Duration.ofHours(24)));
    assertThat(leaf.getSubjectAlternativeNames()).containsExactly(
        List.of(6, "spiffe://cluster.local/ns/palisade-system/sa/palisade-operator"),
        List.of(2, "palisade-operator.palisade-system.svc"));
  }

  static Issuer root(Duration lifetime) {
    KeyPair keys = KeyType.ECDSA_P256.generate();
    return new Issuer(X509Profiles.root(keys, TD, NOW, lifetime), keys.getPrivate(), List.of());
  }

  static Issuer issuer() {
    Issuer root = root(Duration.ofDays(3650));
    KeyPair keys = KeyType.ECDSA_P256.generate();
    return new Issuer(X509Profiles.intermediate(keys.getPublic(), root, TD, NOW, Duration.ofDays(90)),
        keys.getPrivate(), List.of(root.certificate()));
  }

  private static X509Certificate reparse(X509Certificate certificate) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(certificate.getEncoded()));
  }

  private static boolean[] keyUsage(int... bits) {
    boolean[] usage = new boolean[9];
    for (int bit : bits) {
      usage[bit] = true;
    }
    return usage;
  }

  private static byte[] subjectKeyId(X509Certificate c) {
    return SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(
        c.getExtensionValue(Extension.subjectKeyIdentifier.getId())).getOctets()).getKeyIdentifier();
  }

  private static byte[] authorityKeyId(X509Certificate c) {
    return AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(
        c.getExtensionValue(Extension.authorityKeyIdentifier.getId())).getOctets()).getKeyIdentifierOctets();
  }
}
