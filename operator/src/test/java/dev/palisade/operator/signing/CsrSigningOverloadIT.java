package dev.palisade.operator.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.common.pki.Csrs;
import dev.palisade.common.pki.KeyType;
import dev.palisade.testing.ControlPlane;
import dev.palisade.testing.InProcessCa;
import dev.palisade.testing.OperatorServiceAccount;
import dev.palisade.testing.PalisadeApi;
import dev.palisade.testing.Workloads;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A burst far over the admission limit gets fast 429s, and the server stays healthy. */
class CsrSigningOverloadIT {

  private static final int FLOOD = 200;
  private static final int THREADS = 1;
  private static final int QUEUE = 1;

  private static KubernetesClient admin;
  private static KubernetesClient operator;
  private static SigningStack stack;
  private static String token;

  @BeforeAll
  static void start() {
    ControlPlane controlPlane = ControlPlane.get();
    admin = controlPlane.adminClient();
    PalisadeApi.install(admin); // the CA reads IdentitySuspensions
    operator = OperatorServiceAccount.client(controlPlane);
    Workloads workloads = new Workloads(controlPlane, admin, "csr-overload-it");
    workloads.serviceAccount("cart");
    Pod cart = workloads.pod("cart-0", "cart");
    token = workloads.token(cart, "palisade");
    stack = new SigningStack(operator,
        InProcessCa.create("cluster.local", Duration.ofHours(24)), THREADS, QUEUE);
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
    operator.close();
    admin.close();
  }

  @Test
  void aFloodGetsFastRefusalsAndTheServerStillAnswersAfterwards() {
    double overloadedBefore = stack.issued("overloaded");
    double successBefore = stack.issued("success");
    HttpRequest request = stack.request(stack.certificates(), token,
        SigningStack.body(Csrs.create(KeyType.ECDSA_P256.generate())));

    // Held at the CA, the first THREADS + QUEUE requests keep every slot taken while the rest
    // arrive: those must be refused at once, not queued behind them.
    stack.ca.hold();
    List<CompletableFuture<HttpResponse<String>>> flood = IntStream.range(0, FLOOD)
        .mapToObj(i -> stack.client.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
        .toList();
    try {
      await("every request beyond the limit answered while the admitted ones wait")
          .atMost(Duration.ofSeconds(90))
          .until(() -> flood.stream().filter(CompletableFuture::isDone).count()
              >= FLOOD - THREADS - QUEUE);
      assertThat(flood.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join))
          .allSatisfy(response -> {
            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.headers().firstValue("Retry-After")).contains("1");
            assertThat(response.body()).startsWith("{\"error\":\"overloaded\"");
          });
    } finally {
      stack.ca.release();
    }

    Map<Integer, Long> statuses = flood.stream().map(CompletableFuture::join)
        .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
    assertThat(statuses).containsOnly(Map.entry(200, (long) THREADS + QUEUE),
        Map.entry(429, (long) FLOOD - THREADS - QUEUE));
    assertThat(stack.issued("overloaded")).isEqualTo(overloadedBefore + FLOOD - THREADS - QUEUE);
    assertThat(stack.issued("success")).isEqualTo(successBefore + THREADS + QUEUE);

    HttpResponse<String> after = stack.post(token,
        SigningStack.body(Csrs.create(KeyType.ECDSA_P256.generate())));
    assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
    assertThat(stack.workers.available()).isEqualTo(THREADS + QUEUE);
  }
}
