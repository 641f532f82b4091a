package dev.palisade.operator.injection;

import static org.awaitility.Awaitility.await;

import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.api.v1alpha1.TrustDomainSpec;
import dev.palisade.operator.OperatorConfig;
import dev.palisade.operator.OperatorServers;
import dev.palisade.operator.PalisadeOperator;
import dev.palisade.operator.reconciler.webhook.WebhookCaBundleReconciler;
import dev.palisade.testing.ControlPlane;
import dev.palisade.testing.OperatorServiceAccount;
import dev.palisade.testing.PalisadeApi;
import dev.palisade.testing.PrometheusText;
import dev.palisade.testing.WebhookConfigurations;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Admission latency of pod creation through the real kube-apiserver, with and without the
 * injection webhook: a benchmark, never run by {@code hack/test.sh} (the name matches neither
 * Surefire's nor Failsafe's patterns). Run it with {@code bash hack/bench-admission.sh}.
 *
 * <p>Three kinds of pod creation, interleaved so a noisy machine slows all of them alike:
 * <ul>
 *   <li>{@code no webhook}: a namespace no webhook selects (the baseline);
 *   <li>{@code webhook, skipped}: the annotation webhook reviews the pod and leaves it (what
 *       every pod of every unlabelled namespace pays);
 *   <li>{@code webhook, injected}: a labelled namespace, the pod gets the proxy (the API server
 *       also re-invokes the webhook once, which then answers an empty patch).
 * </ul>
 * Latency is the client's: the create call's round trip, one request at a time. Settings:
 * {@code -Dbench.pods=N} per kind (default 300), {@code -Dbench.warmup=N} (default 50).
 */
class AdmissionLatencyBenchmark {

  private static final String TRUST_DOMAIN = "bench.inject";
  private static final Map<String, String> NAMESPACES = new LinkedHashMap<>();

  static {
    NAMESPACES.put("no webhook", "bench-admission-none");
    NAMESPACES.put("webhook, skipped", "bench-admission-skipped");
    NAMESPACES.put("webhook, injected", "bench-admission-injected");
  }

  @Test
  void podCreationLatency() throws Exception {
    int pods = Integer.getInteger("bench.pods", 300);
    int warmup = Integer.getInteger("bench.warmup", 50);
    ControlPlane controlPlane = ControlPlane.get();
    try (KubernetesClient admin = controlPlane.adminClient();
        KubernetesClient operatorClient = OperatorServiceAccount.client(controlPlane)) {
      PalisadeApi.install(admin);
      WebhookConfigurations.delete(admin, WebhookCaBundleReconciler.DEFAULT_CONFIGURATION);
      PalisadeOperator operator = new PalisadeOperator(operatorClient, new PalisadeOperator.Settings(
          OperatorServiceAccount.NAMESPACE, Duration.ofMinutes(1), false, TRUST_DOMAIN),
          Clock.systemUTC());
      operator.start();
      TrustDomain td = new TrustDomain();
      td.getMetadata().setName("bench-inject");
      td.setSpec(new TrustDomainSpec());
      td.getSpec().trustDomain = TRUST_DOMAIN;
      td.getSpec().root = new TrustDomainSpec.RootSource();
      td.getSpec().root.generate = new TrustDomainSpec.GeneratedRoot();
      admin.resource(td).forceConflicts().serverSideApply();
      await().atMost(Duration.ofMinutes(2)).until(() -> admin.secrets()
          .inNamespace(OperatorServiceAccount.NAMESPACE).withName("palisade-ca-bench-inject")
          .get() != null);
      try (OperatorServers servers = new OperatorServers(operatorClient, new OperatorConfig(
          OperatorServiceAccount.NAMESPACE, OperatorServiceAccount.NAME, "palisade-operator",
          TRUST_DOMAIN, Duration.ofMinutes(1), false, 0, 0), Clock.systemUTC())) {
        namespace(admin, NAMESPACES.get("no webhook"), null, false);
        namespace(admin, NAMESPACES.get("webhook, skipped"), "bench", false);
        namespace(admin, NAMESPACES.get("webhook, injected"), "bench", true);
        admin.resource(WebhookConfigurations.fromChart(controlPlane, admin,
            WebhookCaBundleReconciler.DEFAULT_CONFIGURATION, "bench",
            "webhook.url=https://localhost:" + servers.webhookPort() + "/mutate-pods")).create();
        await("webhook in force").atMost(Duration.ofMinutes(2)).ignoreExceptions().until(() ->
            create(admin, NAMESPACES.get("webhook, injected"), "probe", true)
                .getSpec().getInitContainers() != null);

        Map<String, long[]> nanos = new LinkedHashMap<>();
        NAMESPACES.keySet().forEach(kind -> nanos.put(kind, new long[pods]));
        Map<String, Totals> measuredFrom = Map.of();
        for (int i = -warmup; i < pods; i++) {
          if (i == 0) {
            measuredFrom = serverSide(admin, servers);
          }
          for (var kind : NAMESPACES.entrySet()) {
            long start = System.nanoTime();
            create(admin, kind.getValue(), "pod-" + (i + warmup), false);
            long took = System.nanoTime() - start;
            if (i >= 0) {
              nanos.get(kind.getKey())[i] = took;
            }
          }
        }
        report(nanos, pods, measuredFrom, serverSide(admin, servers));
      } finally {
        WebhookConfigurations.delete(admin, WebhookCaBundleReconciler.DEFAULT_CONFIGURATION);
        operator.close();
        for (String namespace : NAMESPACES.values()) {
          admin.pods().inNamespace(namespace).delete();
        }
      }
    }
  }

  private static Pod create(KubernetesClient admin, String namespace, String name,
      boolean dryRun) {
    var pod = admin.pods().inNamespace(namespace).resource(new PodBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withServiceAccountName("default")
          .addNewContainer().withName("app").withImage("registry.invalid/app:1").endContainer()
        .endSpec().build());
    return dryRun ? pod.dryRun().create() : pod.create();
  }

  private static void namespace(KubernetesClient admin, String name, String webhooks,
      boolean injectionEnabled) {
    NamespaceBuilder namespace = new NamespaceBuilder().withNewMetadata().withName(name)
        .endMetadata();
    if (webhooks != null) {
      namespace.editMetadata().addToLabels(WebhookConfigurations.TEST_LABEL, webhooks)
          .endMetadata();
    }
    if (injectionEnabled) {
      namespace.editMetadata().addToLabels("palisade.dev/inject", "enabled").endMetadata();
    }
    admin.namespaces().resource(namespace.build()).createOr(existing -> existing.update());
    admin.pods().inNamespace(name).delete();
    await().atMost(Duration.ofMinutes(2))
        .until(() -> admin.pods().inNamespace(name).list().getItems().isEmpty());
    admin.serviceAccounts().inNamespace(name).resource(new ServiceAccountBuilder()
        .withNewMetadata().withName("default").endMetadata().build())
        .createOr(existing -> existing.update());
  }

  /** Sum and count of one histogram's matching series. */
  private record Totals(double sum, double count) {
    Totals minus(Totals earlier) {
      return new Totals(sum - earlier.sum, count - earlier.count);
    }

    String describe(String what, String unit) {
      return String.format(Locale.ROOT, "%s: mean %s over %d %s", what,
          ms(count == 0 ? 0 : (long) (sum / count * 1e9)), (long) count, unit);
    }
  }

  /**
   * Time per review as the operator measures it (arrival to answer) and as the API server does
   * (its call to the webhook: connection, TLS, request and answer), per webhook.
   */
  private static Map<String, Totals> serverSide(KubernetesClient admin, OperatorServers servers) {
    String operator = PrometheusText.scrape(
        URI.create("http://127.0.0.1:" + servers.adminPort() + "/metrics")).text();
    String apiServer = admin.raw("/metrics");
    Map<String, Totals> totals = new LinkedHashMap<>();
    totals.put("operator, arrival to answer",
        totals(operator, "palisade_webhook_duration_seconds", "webhook=\"inject\""));
    for (String webhook : List.of("pods.inject.palisade.dev", "namespaces.inject.palisade.dev")) {
      totals.put("API server calling " + webhook, totals(apiServer,
          "apiserver_admission_webhook_admission_duration_seconds", "name=\"" + webhook + "\""));
    }
    return totals;
  }

  private static Totals totals(String metrics, String histogram, String selector) {
    return new Totals(sum(metrics, histogram + "_sum", selector),
        sum(metrics, histogram + "_count", selector));
  }

  private static double sum(String metrics, String series, String selector) {
    return metrics.lines()
        .filter(line -> line.startsWith(series + "{") && line.contains(selector))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static void report(Map<String, long[]> nanos, int pods, Map<String, Totals> before,
      Map<String, Totals> after) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("| pod creation (" + pods + " each, sequential) | p50 | p90 | p99 | max |");
    lines.add("|---|---|---|---|---|");
    for (var kind : nanos.entrySet()) {
      long[] sorted = kind.getValue().clone();
      Arrays.sort(sorted);
      lines.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |", kind.getKey(),
          ms(percentile(sorted, 50)), ms(percentile(sorted, 90)), ms(percentile(sorted, 99)),
          ms(sorted[sorted.length - 1])));
    }
    lines.add("");
    after.forEach((what, totals) -> lines.add("- "
        + totals.minus(before.get(what)).describe(what, what.startsWith("API") ? "calls" : "reviews")));
    String table = String.join("\n", lines) + "\n";
    System.out.println("\n" + table);
    Path out = Path.of("target", "bench", "admission-latency.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
  }

  /** Nearest-rank percentile of a sorted array. */
  private static long percentile(long[] sorted, int percent) {
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }
}
