package dev.palisade.sidecar.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.OpenSslCertificateException;
import java.security.cert.CertificateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Our verdicts reach BoringSSL as verification errors it knows, with the verdict as cause. */
class SpiffeTrustManagerTest {

  @Test
  void theErrorNumbersAreOnesBoringSslAccepts() {
    BoringSsl.requireAvailable();
    for (HandshakeFailure reason : HandshakeFailure.values()) {
      assertThat(SpiffeTrustManager.withAlert(new PeerRejectedException(reason, "x")))
          .as(reason.label()).isInstanceOf(OpenSslCertificateException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(HandshakeFailure.class)
  void theVerdictStaysTheCause(HandshakeFailure reason) {
    CertificateException alert = SpiffeTrustManager.withAlert(
        new PeerRejectedException(reason, "why"));
    assertThat(HandshakeFailures.classify(alert)).isEqualTo(reason);
    assertThat(HandshakeFailures.describe(alert)).isEqualTo("why");
  }

  @Test
  void specificAlertsForTheCommonVerdicts() {
    assertThat(errorOf(HandshakeFailure.EXPIRED)).isEqualTo(10);
    assertThat(errorOf(HandshakeFailure.UNTRUSTED_CHAIN)).isEqualTo(20);
    assertThat(errorOf(HandshakeFailure.IDENTITY_MISMATCH)).isEqualTo(28);
    // X509_V_ERR_CERT_REVOKED, which BoringSSL sends as the certificate_revoked alert
    assertThat(errorOf(HandshakeFailure.REVOKED)).isEqualTo(23);
    assertThat(errorOf(HandshakeFailure.IDENTITY_SUSPENDED)).isEqualTo(23);
    assertThat(errorOf(HandshakeFailure.PROTOCOL_ERROR)).isEqualTo(1);
  }

  private static int errorOf(HandshakeFailure reason) {
    return ((OpenSslCertificateException) SpiffeTrustManager.withAlert(
        new PeerRejectedException(reason, "x"))).errorCode();
  }
}
