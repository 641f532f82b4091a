package dev.palisade.sidecar.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateExpiredException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** BoringSSL error strings and our own verdicts map onto the one documented set of reasons. */
class HandshakeFailuresTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      error:100000c0:SSL routines:OPENSSL_internal:PEER_DID_NOT_RETURN_A_CERTIFICATE | no_client_cert
      error:100000f0:SSL routines:OPENSSL_internal:UNSUPPORTED_PROTOCOL              | tls_version
      error:1000046a:SSL routines:OPENSSL_internal:TLSV1_ALERT_PROTOCOL_VERSION      | tls_version
      error:10000412:SSL routines:OPENSSL_internal:SSLV3_ALERT_BAD_CERTIFICATE       | peer_rejected
      error:10000418:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA            | peer_rejected
      error:10000415:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_EXPIRED   | peer_rejected
      error:1000045c:SSL routines:OPENSSL_internal:TLSV1_CERTIFICATE_REQUIRED        | peer_rejected
      error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED         | untrusted_chain
      error:10000100:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER              | protocol_error
      error:100000b8:SSL routines:OPENSSL_internal:NO_SHARED_CIPHER                  | protocol_error
      Connection closed while SSL/TLS handshake was in progress                    | protocol_error
      """)
  void boringSslReasonCodes(String message, String reason) {
    Throwable failure = new DecoderException(new SSLHandshakeException(message));
    assertThat(HandshakeFailures.classify(failure).label()).isEqualTo(reason);
  }

  @Test
  void ourVerdictWinsWhereverItIsInTheCauseChain() {
    SSLHandshakeException outer = new SSLHandshakeException("General OpenSslEngine problem");
    outer.initCause(new PeerRejectedException(HandshakeFailure.IDENTITY_MISMATCH, "wrong id"));
    assertThat(HandshakeFailures.classify(outer)).isEqualTo(HandshakeFailure.IDENTITY_MISMATCH);
    assertThat(HandshakeFailures.describe(outer)).isEqualTo("wrong id");

    SSLHandshakeException suppressing = new SSLHandshakeException(
        "error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED");
    suppressing.addSuppressed(new PeerRejectedException(HandshakeFailure.EXPIRED, "old"));
    assertThat(HandshakeFailures.classify(suppressing)).isEqualTo(HandshakeFailure.EXPIRED);
  }

  @Test
  void nettyExceptionsHaveTheirOwnReasons() {
    assertThat(HandshakeFailures.classify(new SslHandshakeTimeoutException("timed out")))
        .isEqualTo(HandshakeFailure.HANDSHAKE_TIMEOUT);
    assertThat(HandshakeFailures.classify(new DecoderException(new NotSslRecordException("x"))))
        .isEqualTo(HandshakeFailure.PLAINTEXT_REJECTED);
    assertThat(HandshakeFailures.classify(new CertificateExpiredException("old")))
        .isEqualTo(HandshakeFailure.EXPIRED);
    assertThat(HandshakeFailures.classify(new IOException("Connection reset by peer")))
        .isEqualTo(HandshakeFailure.PROTOCOL_ERROR);
    assertThat(HandshakeFailures.classify(null)).isEqualTo(HandshakeFailure.PROTOCOL_ERROR);
  }

  @Test
  void aCauseCycleEnds() {
    IOException a = new IOException("a");
    IOException b = new IOException("b", a);
    a.initCause(b);
    assertThat(HandshakeFailures.classify(a)).isEqualTo(HandshakeFailure.PROTOCOL_ERROR);
  }

  /** The closed set is documented in one place: the reasons table of docs/sidecar.md. */
  @Test
  void docsListExactlyTheReasons() throws IOException {
    Path docs = Path.of(System.getProperty("palisade.repo.root", "..")).resolve("docs/sidecar.md");
    String text = Files.readString(docs, StandardCharsets.UTF_8);
    String table = text.substring(text.indexOf("<!-- reasons:begin -->"),
        text.indexOf("<!-- reasons:end -->"));
    Matcher rows = Pattern.compile("(?m)^\\| `([a-z_]+)` \\|").matcher(table);
    Set<String> documented = new LinkedHashSet<>();
    while (rows.find()) {
      documented.add(rows.group(1));
    }
    assertThat(documented).containsExactlyElementsOf(Arrays.stream(HandshakeFailure.values())
        .map(HandshakeFailure::label).collect(Collectors.toList()));
  }
}
