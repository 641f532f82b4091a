package dev.palisade.operator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.operator.http.BoundedWorkers;
import dev.palisade.operator.http.Json;
import dev.palisade.operator.http.Request;
import dev.palisade.operator.http.Response;
import dev.palisade.operator.injection.InjectionDecision.Inject;
import dev.palisade.testing.RepoFiles;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.JsonPatch;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The webhook's AdmissionReview handling, with the injector and no API server. */
class PodInjectionWebhookTest {

  private static final Path DIR = RepoFiles.resolve("operator/src/test/resources/injection");

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final BoundedWorkers workers = new BoundedWorkers("test-admission", 1, 4);
  private final List<String> notInjected = new ArrayList<>();
  private final PodInjector injector = new PodInjector(PodInjectorGoldenTest.SETTINGS);
  private final PodInjectionWebhook webhook = new PodInjectionWebhook(injector,
      namespace -> namespace.equals("shop") ? Map.of("palisade.dev/inject", "enabled") : Map.of(),
      (pod, namespace, message) -> notInjected.add(namespace + ": " + message),
      workers, registry, () -> {});

  @AfterEach
  void close() {
    webhook.close();
    workers.close();
  }

  @Test
  void answersAPatchThatTurnsThePodIntoTheInjectedOne() throws Exception {
    Pod pod = PodInjectorGoldenTest.read(DIR.resolve("in-namespace-label.yaml")).pod();
    JsonNode sent = Json.MAPPER.valueToTree(pod);

    JsonNode response = allowed(review("CREATE", "shop", sent, false));

    assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
    JsonNode patch = Json.MAPPER.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
    JsonNode patched = JsonPatch.apply(patch, sent);
    Pod expected = ((Inject) injector.decide(pod, Map.of("palisade.dev/inject", "enabled"))).pod();
    assertThat(Json.MAPPER.treeToValue(patched, Pod.class)).isEqualTo(expected);
    assertThat(patch.toString()).as("plain operations only").doesNotContain("\"move\"", "\"copy\"");
    assertThat(scrape()).contains(
        "palisade_webhook_requests_total{result=\"injected\",webhook=\"inject\"} 1.0",
        "palisade_webhook_duration_seconds_count{webhook=\"inject\"} 1");
  }

  @Test
  void theWarmUpRunsAnInjectionThroughTheWholePathAndRecordsNothing() throws Exception {
    JsonNode warmUp = Json.MAPPER.readTree(call(PodInjectionWebhook.ENABLED_PATH,
        WarmUpReviews.review(7)).body()).path("response");
    assertThat(warmUp.path("patchType").asText()).as("its reviews are injections")
        .isEqualTo("JSONPatch");
    String before = scrape();

    assertThat(webhook.warmUp(50)).isPositive();

    assertThat(scrape()).as("no review counted").isEqualTo(before);
    assertThat(notInjected).isEmpty();
  }

  @Test
  void anAlreadyInjectedPodGetsNoPatch() throws Exception {
    Pod pod = PodInjectorGoldenTest.read(DIR.resolve("in-reinvocation.yaml")).pod();

    JsonNode response = allowed(review("CREATE", "shop", Json.MAPPER.valueToTree(pod), false));

    assertThat(response.has("patch")).isFalse();
    assertThat(response.has("patchType")).isFalse();
    assertThat(scrape()).contains(
        "palisade_webhook_requests_total{result=\"unchanged\",webhook=\"inject\"} 1.0");
  }

  @Test
  void podsNotAskingForAProxyAreAllowedUntouchedAndQuietly() throws Exception {
    Pod pod = PodInjectorGoldenTest.read(DIR.resolve("in-not-selected.yaml")).pod();

    JsonNode response = allowed(review("CREATE", "monitoring", Json.MAPPER.valueToTree(pod), false));

    assertThat(response.has("patch")).isFalse();
    assertThat(response.has("warnings")).isFalse();
    assertThat(notInjected).isEmpty();
    assertThat(scrape()).contains(
        "palisade_webhook_requests_total{result=\"skipped\",webhook=\"inject\"} 1.0",
        "palisade_webhook_requests_total{result=\"refused\",webhook=\"inject\"} 0.0");
  }

  @Test
  void aHostNetworkPodIsAllowedWithAWarningAndAnEvent() throws Exception {
    Pod pod = PodInjectorGoldenTest.read(DIR.resolve("in-host-network.yaml")).pod();

    JsonNode response = allowed(review("CREATE", "shop", Json.MAPPER.valueToTree(pod), false));

    assertThat(response.has("patch")).isFalse();
    assertThat(response.path("warnings").get(0).asText())
        .startsWith("palisade: no proxy injected: the pod uses the node's network");
    assertThat(notInjected).singleElement().asString().startsWith("shop: the pod uses the node's");
    assertThat(scrape()).contains(
        "palisade_webhook_requests_total{result=\"not_injectable\",webhook=\"inject\"} 1.0");
  }

  @Test
  void aDryRunWritesNoEvent() throws Exception {
    Pod pod = PodInjectorGoldenTest.read(DIR.resolve("in-host-network.yaml")).pod();

    allowed(review("CREATE", "shop", Json.MAPPER.valueToTree(pod), true));

    assertThat(notInjected).isEmpty();
  }

  @Test
  void aMalformedAnnotationIsDeniedWithItsMessage() throws Exception {
    Pod pod = PodInjectorGoldenTest.read(DIR.resolve("in-malformed-ports.yaml")).pod();

    JsonNode response = answer(review("CREATE", "shop", Json.MAPPER.valueToTree(pod), false));

    assertThat(response.path("uid").asText()).isEqualTo("review-1");
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("code").asInt()).isEqualTo(400);
    assertThat(response.path("status").path("message").asText())
        .isEqualTo("annotation palisade.dev/exclude-inbound-ports: \"80,http\": 'http' is not"
            + " a port (1..65535); write ports separated by commas, like 22,8081");
  }

  @Test
  void otherOperationsAreAllowedUntouched() throws Exception {
    Pod pod = PodInjectorGoldenTest.read(DIR.resolve("in-namespace-label.yaml")).pod();

    JsonNode response = allowed(review("UPDATE", "shop", Json.MAPPER.valueToTree(pod), false));

    assertThat(response.has("patch")).isFalse();
  }

  @Test
  void somethingElseThanAnAdmissionReviewIs400() throws Exception {
    Response response = call("{\"apiVersion\": \"admission.k8s.io/v1beta1\", \"kind\": \"AdmissionReview\"}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .contains("malformed_review", "admissionReviewVersions: [v1]");
    assertThat(call("not json").status()).isEqualTo(400);
    assertThat(scrape()).contains(
        "palisade_webhook_requests_total{result=\"malformed\",webhook=\"inject\"} 2.0");
  }

  private static String review(String operation, String namespace, JsonNode pod, boolean dryRun) {
    ObjectNode review = Json.MAPPER.createObjectNode()
        .put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode request = review.putObject("request")
        .put("uid", "review-1")
        .put("operation", operation)
        .put("namespace", namespace)
        .put("dryRun", dryRun);
    request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
    request.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
    request.set("object", pod);
    return review.toString();
  }

  private JsonNode allowed(String review) throws Exception {
    JsonNode response = answer(review);
    assertThat(response.path("allowed").asBoolean()).as(response.toString()).isTrue();
    assertThat(response.path("uid").asText()).isEqualTo("review-1");
    return response;
  }

  /** The AdmissionReview's response, after checking the envelope. */
  private JsonNode answer(String review) throws Exception {
    Response response = call(review);
    assertThat(response.status()).isEqualTo(200);
    JsonNode body = Json.MAPPER.readTree(response.body());
    assertThat(body.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    assertThat(body.path("kind").asText()).isEqualTo("AdmissionReview");
    return body.path("response");
  }

  private Response call(String body) throws Exception {
    return call(PodInjectionWebhook.PATH, body);
  }

  private Response call(String path, String body) throws Exception {
    return webhook.handle(new Request("POST", path, new DefaultHttpHeaders(),
        body.getBytes(StandardCharsets.UTF_8), null)).toCompletableFuture().get();
  }

  @Test
  void eachWebhooksPathSaysWhatTheNamespacesLabelIsSoAStaleCacheDoesNotMatter()
      throws Exception {
    // "fresh" was labelled a moment ago: the namespace cache (the function above) does not know.
    JsonNode pod = Json.MAPPER.valueToTree(
        PodInjectorGoldenTest.read(DIR.resolve("in-not-selected.yaml")).pod());
    String review = review("CREATE", "fresh", pod, false);

    JsonNode legacy = Json.MAPPER.readTree(call(PodInjectionWebhook.PATH, review).body())
        .path("response");
    JsonNode enabled = Json.MAPPER.readTree(call(PodInjectionWebhook.ENABLED_PATH, review).body())
        .path("response");
    JsonNode annotated = Json.MAPPER.readTree(
        call(PodInjectionWebhook.ANNOTATED_PATH, review).body()).path("response");

    assertThat(legacy.has("patch")).as("the old path believed the stale cache").isFalse();
    assertThat(enabled.path("patchType").asText()).isEqualTo("JSONPatch");
    assertThat(annotated.has("patch")).as("no annotation, no label: no proxy").isFalse();
  }

  @Test
  void theEnforcedPathRefusesAnOptOut() throws Exception {
    Pod optOut = PodInjectorGoldenTest.read(DIR.resolve("in-not-selected.yaml")).pod();
    optOut.getMetadata().setAnnotations(Map.of("palisade.dev/inject", "false"));

    JsonNode response = Json.MAPPER.readTree(call(PodInjectionWebhook.ENFORCED_PATH,
        review("CREATE", "fresh", Json.MAPPER.valueToTree(optOut), false)).body()).path("response");

    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("message").asText())
        .contains("is not honoured: its namespace enforces the mesh");
  }

  private String scrape() {
    return registry.scrape();
  }
}
