package dev.palisade.operator.signing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.common.pki.Csrs;
import dev.palisade.common.pki.KeyType;
import dev.palisade.operator.limits.SourceRateLimiter;
import dev.palisade.testing.ControlPlane;
import dev.palisade.testing.InProcessCa;
import dev.palisade.testing.OperatorServiceAccount;
import dev.palisade.testing.PalisadeApi;
import dev.palisade.testing.TrustingRoot;
import dev.palisade.testing.Workloads;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-caller limits of /v1/certificates on a real API server: bad tokens from one source are
 * refused without a TokenReview or a signing slot, one source is rate-limited, and a legitimate
 * caller from another source is served throughout. The server listens on 127.0.0.1; the flood
 * comes from 127.0.0.2 (any 127/8 address is loopback on Linux).
 */
class CsrSigningFloodIT {

  private static final int FLOOD = 500;

  private static KubernetesClient admin;
  private static KubernetesClient operator;
  private static SigningStack stack;
  private static HttpClient attacker;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    ControlPlane controlPlane = ControlPlane.get();
    admin = controlPlane.adminClient();
    PalisadeApi.install(admin); // the CA reads IdentitySuspensions
    operator = OperatorServiceAccount.client(controlPlane);
    Workloads workloads = new Workloads(controlPlane, admin, "csr-flood-it");
    workloads.serviceAccount("cart");
    Pod cart = workloads.pod("cart-0", "cart");
    token = workloads.token(cart, "palisade");
    // Production limits per source, and a single signing slot: before these limits, a flood
    // took the slot and the legitimate caller got 429.
    stack = new SigningStack(operator, InProcessCa.create("cluster.local", Duration.ofHours(24)),
        1, 1, new SourceRateLimiter(SigningGuard.BURST, SigningGuard.PER_SECOND,
            SigningGuard.MAX_SOURCES, Clock.systemUTC()));
    attacker = HttpClient.newBuilder()
        .sslContext(TrustingRoot.sslContext(stack.ca.rootCertificate()))
        .version(HttpClient.Version.HTTP_1_1)
        .localAddress(InetAddress.getByName("127.0.0.2"))
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
    if (attacker != null) {
      attacker.close();
    }
    operator.close();
    admin.close();
  }

  /** A JWT with the given claims and a signature nobody made. */
  private static String forged(Map<String, Object> claims) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String payload = claims.entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\":" + (e.getValue() instanceof String s ? "\"" + s + "\""
            : e.getValue()))
        .collect(Collectors.joining(",", "{", "}"));
    return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(new byte[64]);
  }

  private static String csrBody() {
    return SigningStack.body(Csrs.create(KeyType.ECDSA_P256.generate()));
  }

  @Test
  void aFloodOfBadTokensFromOneSourceCostsNoTokenReviewAndALegitimateCallerIsServed() {
    long hour = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
    List<String> bad = List.of(
        "not-a-jwt",
        forged(Map.of("aud", "palisade", "exp", Instant.now().minusSeconds(60).getEpochSecond())),
        forged(Map.of("aud", "kubernetes", "exp", hour)),
        forged(Map.of("aud", "palisade")));
    int reviewsBefore = stack.tokenReviews.get();

    List<CompletableFuture<HttpResponse<String>>> flood = IntStream.range(0, FLOOD)
        .mapToObj(i -> attacker.sendAsync(stack.request(stack.certificates(),
            bad.get(i % bad.size()), csrBody()), HttpResponse.BodyHandlers.ofString()))
        .toList();
    HttpResponse<String> legitimate = stack.post(token, csrBody());

    assertThat(legitimate.statusCode()).as(legitimate.body()).isEqualTo(200);
    Map<Integer, Long> statuses = flood.stream().map(CompletableFuture::join)
        .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
    assertThat(statuses.keySet()).containsOnly(401, 429);
    assertThat(statuses.get(429)).as("one source is rate-limited")
        .isGreaterThan(FLOOD / 2L);
    assertThat(flood.stream().map(CompletableFuture::join).map(HttpResponse::body))
        .noneMatch(body -> body.contains("overloaded"));
    assertThat(stack.tokenReviews.get() - reviewsBefore)
        .as("only the legitimate caller's token was reviewed").isEqualTo(1);
    assertThat(stack.issued("rate_limited")).isGreaterThan(0);

    HttpResponse<String> again = stack.post(token, csrBody());
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
  }

  /** A plausible token the API server refuses is reviewed once, then refused from memory. */
  @Test
  void aRefusedTokenIsReviewedOnceAndItsRefusalsAreNotEchoed() throws Exception {
    String plausible = forged(Map.of("aud", "palisade", "sub", "system:serviceaccount:x:y",
        "exp", Instant.now().plus(Duration.ofHours(1)).getEpochSecond()));
    HttpClient other = HttpClient.newBuilder()
        .sslContext(TrustingRoot.sslContext(stack.ca.rootCertificate()))
        .version(HttpClient.Version.HTTP_1_1)
        .localAddress(InetAddress.getByName("127.0.0.3"))
        .build();
    int reviewsBefore = stack.tokenReviews.get();
    try (other) {
      HttpRequest request = stack.request(stack.certificates(), plausible, csrBody());
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> response = other.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).startsWith("{\"error\":\"invalid_token\"")
            .doesNotContainIgnoringCase("jose").doesNotContainIgnoringCase("signature");
      }
    }
    assertThat(stack.tokenReviews.get() - reviewsBefore).isEqualTo(1);
  }
}
