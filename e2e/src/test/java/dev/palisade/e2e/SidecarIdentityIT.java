package dev.palisade.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.palisade.common.pki.KeyPairs;
import dev.palisade.common.pki.KeyType;
import dev.palisade.sidecar.identity.IdentityClient;
import dev.palisade.sidecar.identity.IdentityException;
import dev.palisade.testing.OperatorStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sidecar's identity client against the real operator (as Main assembles it, as the chart's
 * ServiceAccount, on a real API server): a bound token and a CSR become a certificate of the key
 * the sidecar generated; a bad token is a 401.
 */
class SidecarIdentityIT {

  private static final String TRUST_DOMAIN = "sidecar-identity.it";
  private static OperatorStack stack;

  @BeforeAll
  static void start() {
    stack = new OperatorStack(TRUST_DOMAIN, "sidecar-identity-it");
  }

  @AfterAll
  static void stop() throws Exception {
    stack.close();
  }

  @Test
  void theSidecarsIdentityClientObtainsItsCertificate() throws Exception {
    await("ready").atMost(Duration.ofSeconds(60)).until(() -> get("/readyz").statusCode() == 200);
    stack.workloads.serviceAccount("payments");
    var pod = stack.workloads.pod("payments-0", "payments");
    Path token = Files.createTempFile("token", "");
    Files.writeString(token, stack.workloads.token(pod, "palisade"));
    List<X509Certificate> bundle = await("our root published").atMost(Duration.ofSeconds(60))
        .until(stack::bundle, roots -> roots.stream().anyMatch(
            c -> c.getSubjectX500Principal().getName().contains("O=" + TRUST_DOMAIN)));

    var client = new IdentityClient(
        URI.create("https://localhost:" + stack.servers.httpsPort() + "/v1/certificates"), token,
        () -> bundle, KeyType.ECDSA_P256);
    var identity = client.fetch();

    assertThat(identity.spiffeId())
        .hasToString("spiffe://" + TRUST_DOMAIN + "/ns/sidecar-identity-it/sa/payments");
    assertThat(KeyPairs.matches(identity.leaf().getPublicKey(), identity.key()))
        .as("the key the sidecar generated").isTrue();
    assertThat(bundle).contains(identity.trustBundle().getLast());

    Files.writeString(token, "not-a-token");
    assertThatThrownBy(client::fetch).isInstanceOfSatisfying(IdentityException.class,
        e -> assertThat(e.reason()).isEqualTo("http_401"));
  }

  private static HttpResponse<String> get(String path) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + stack.servers.adminPort() + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }
}
