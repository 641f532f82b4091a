package dev.palisade.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.common.pki.KeyType;
import dev.palisade.common.revocation.Revocations;
import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.operator.http.Request;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Who a client certificate says the caller is, and which certificates say nothing usable. */
class ClientIdentityTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "spiffe://cluster.local/ns/shop/sa/web                                  | spiffe://cluster.local/ns/shop/sa/web",
      "spiffe://cluster.local/ns/shop/sa/web/extra                            | not_a_workload",
      "spiffe://cluster.local/workload/web                                    | not_a_workload",
      "https://cluster.local/ns/shop/sa/web                                   | not_a_workload",
      "spiffe://other.domain/ns/shop/sa/web                                   | wrong_trust_domain",
      "spiffe://cluster.local/ns/shop/sa/web,spiffe://cluster.local/ns/a/sa/b | not_a_workload",
      "-                                                                      | not_a_workload",
  })
  void identityFromTheLeafsOnlyUriSan(String uris, String expected) throws Exception {
    Request request = request(List.of(certificate(uris.equals("-") ? List.of()
        : List.of(uris.split(",")))));
    if (expected.startsWith("spiffe://")) {
      assertThat(ClientIdentity.of(request, "cluster.local", Revocations.NONE).toString()).isEqualTo(expected);
    } else {
      assertThatThrownBy(() -> ClientIdentity.of(request, "cluster.local", Revocations.NONE))
          .isInstanceOfSatisfying(ConfigRefusal.class,
              refusal -> assertThat(refusal.outcome().label()).isEqualTo(expected));
    }
  }

  @org.junit.jupiter.api.Test
  void noCertificateIsUnauthenticated() {
    assertThatThrownBy(() -> ClientIdentity.of(request(List.of()), "cluster.local", Revocations.NONE))
        .isInstanceOfSatisfying(ConfigRefusal.class, refusal -> assertThat(refusal.outcome())
            .isEqualTo(ConfigOutcome.NO_CLIENT_CERTIFICATE));
  }

  /** The certificate's serial is BigInteger.ONE. */
  @org.junit.jupiter.api.Test
  void aRevokedCertificateOrASuspendedIdentityIsRefused() throws Exception {
    String web = "spiffe://cluster.local/ns/shop/sa/web";
    Request request = request(List.of(certificate(List.of(web))));

    assertThatThrownBy(() -> ClientIdentity.of(request, "cluster.local",
        new Revocations(Set.of(BigInteger.ONE), Set.of())))
        .isInstanceOfSatisfying(ConfigRefusal.class, refusal -> {
          assertThat(refusal.outcome()).isEqualTo(ConfigOutcome.REVOKED);
          assertThat(refusal.getMessage()).contains("serial 1");
        });
    assertThatThrownBy(() -> ClientIdentity.of(request, "cluster.local",
        new Revocations(Set.of(BigInteger.TWO), Set.of(SpiffeId.parse(web)))))
        .isInstanceOfSatisfying(ConfigRefusal.class, refusal -> assertThat(refusal.outcome())
            .isEqualTo(ConfigOutcome.IDENTITY_SUSPENDED));
    assertThat(ClientIdentity.of(request, "cluster.local",
        new Revocations(Set.of(BigInteger.TWO), Set.of())).toString()).isEqualTo(web);
  }

  private static Request request(List<X509Certificate> chain) {
    return new Request("GET", "/v1/config", new DefaultHttpHeaders(), new byte[0], null,
        Map.of(), chain);
  }

  /** A self-signed certificate with these URI SANs (trust was the handshake's job). */
  private static X509Certificate certificate(List<String> uris) throws Exception {
    KeyPair keys = KeyType.ECDSA_P256.generate();
    Instant now = Instant.now();
    var builder = new JcaX509v3CertificateBuilder(new X500Name("CN=test"), BigInteger.ONE,
        Date.from(now), Date.from(now.plus(1, ChronoUnit.HOURS)), new X500Name("CN=test"),
        keys.getPublic());
    if (!uris.isEmpty()) {
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
          uris.stream().map(String::strip)
              .map(uri -> new GeneralName(GeneralName.uniformResourceIdentifier, uri))
              .toArray(GeneralName[]::new)));
    }
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }
}
