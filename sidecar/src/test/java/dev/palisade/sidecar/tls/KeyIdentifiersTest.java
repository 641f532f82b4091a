package dev.palisade.sidecar.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.testing.TestCa;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.Test;

class KeyIdentifiersTest {

  private static final TestCa CA = TestCa.create("cluster.local");

  @Test
  void readsTheIdentifiersBouncyCastleReads() {
    X509Certificate leaf = CA.leaf(CA.identity("shop", "cart")).leaf();
    X509Certificate issuer = CA.issuer().certificate();
    assertThat(KeyIdentifiers.subjectKeyId(issuer)).isNotEmpty().isEqualTo(
        SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(issuer.getExtensionValue(
            Extension.subjectKeyIdentifier.getId())).getOctets()).getKeyIdentifier());
    assertThat(KeyIdentifiers.authorityKeyId(leaf)).isNotEmpty().isEqualTo(
        AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(leaf.getExtensionValue(
            Extension.authorityKeyIdentifier.getId())).getOctets()).getKeyIdentifierOctets());
  }

  @Test
  void onlyTheIssuerWithTheNamedKeyMayHaveSigned() {
    X509Certificate leaf = CA.leaf(CA.identity("shop", "cart")).leaf();
    assertThat(KeyIdentifiers.mayHaveSigned(CA.issuer().certificate(), leaf)).isTrue();
    X509Certificate lookAlike = CA.lookAlikeIssuers(1).getFirst();
    assertThat(lookAlike.getSubjectX500Principal())
        .isEqualTo(CA.issuer().certificate().getSubjectX500Principal());
    // The look-alike has no key identifiers: the signature check decides.
    assertThat(KeyIdentifiers.mayHaveSigned(lookAlike, leaf)).isTrue();
    assertThat(KeyIdentifiers.mayHaveSigned(CA.rootCertificate(), leaf)).isFalse();
  }
}
