package dev.palisade.bench;

import static org.awaitility.Awaitility.await;

import com.sun.management.OperatingSystemMXBean;
import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.api.v1alpha1.AccessPolicySpec;
import dev.palisade.api.v1alpha1.WorkloadSelector;
import dev.palisade.common.pki.KeyType;
import dev.palisade.common.pki.Pem;
import dev.palisade.common.policy.PolicyAction;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.operator.ca.SignedCertificate;
import dev.palisade.operator.config.ConfigService;
import dev.palisade.operator.http.HttpServer;
import dev.palisade.operator.metrics.CaMetrics;
import dev.palisade.operator.signing.ServingCertificate;
import dev.palisade.testing.ControlPlane;
import dev.palisade.testing.InProcessCa;
import dev.palisade.testing.OperatorServiceAccount;
import dev.palisade.testing.PalisadeApi;
import dev.palisade.testing.Workloads;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark, not a test (hack/bench-config.sh runs it): config-service fan-out to {@code count}
 * simulated long-polling sidecars. The operator side (informers on a real kube-apiserver, the
 * publisher, the HTTPS server with one event loop as deployed) runs in this JVM; the sidecars run
 * in a child JVM ({@link FanOutClients}). It measures the time from an AccessPolicy write to every
 * sidecar holding the new version, the operator's CPU for that fan-out, and its heap per held
 * long-poll; then that a policy of another namespace wakes none of them.
 */
public final class ConfigFanOutBench {

  private static final String NS = "bench-fanout";
  private static final String OTHER_NS = "bench-other";
  private static final String TRUST_DOMAIN = "bench.local";

  private ConfigFanOutBench() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    ControlPlane controlPlane = ControlPlane.get();
    KubernetesClient admin = controlPlane.adminClient();
    PalisadeApi.install(admin);
    KubernetesClient operatorClient = OperatorServiceAccount.client(controlPlane);
    Workloads pods = new Workloads(controlPlane, admin, NS);
    pods.serviceAccount("app");
    long created = System.nanoTime();
    ExecutorService creators = Executors.newFixedThreadPool(8);
    for (int i = 0; i < count; i++) {
      int n = i;
      creators.execute(() -> pods.pod("app-" + n, "app", Map.of("app", "fanout",
          "palisade.dev/proxy", "injected")));
    }
    creators.shutdown();
    creators.awaitTermination(10, TimeUnit.MINUTES);
    Workloads other = new Workloads(controlPlane, admin, OTHER_NS);
    other.serviceAccount("other");
    other.pod("other-0", "other", Map.of("app", "other", "palisade.dev/proxy", "injected"));
    log("created %d pods in %d s", count, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - created));

    InProcessCa ca = InProcessCa.create(TRUST_DOMAIN, Duration.ofHours(24));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ServingCertificate serving = new ServingCertificate(ca, OperatorServiceAccount.NAMESPACE,
        OperatorServiceAccount.NAME, List.of("localhost"), new CaMetrics(registry),
        Clock.systemUTC()).start();
    await().atMost(Duration.ofSeconds(30)).until(serving::isReady);
    ConfigService service = ConfigService.start(operatorClient, ca,
        OperatorServiceAccount.NAMESPACE, registry);
    HttpServer https = service.routes(HttpServer.https("bench", serving)) // 1 event loop, as deployed
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    await().atMost(Duration.ofSeconds(60)).until(service::isReady);

    Path dir = Files.createTempDirectory("palisade-bench-");
    KeyPair keys = KeyType.ECDSA_P256.generate();
    SignedCertificate certificate = ca.signWorkload(keys.getPublic(),
        new WorkloadIdentity(TRUST_DOMAIN, NS, "app"));
    Files.writeString(dir.resolve("root.pem"), Pem.certificate(ca.rootCertificate()));
    Files.writeString(dir.resolve("key.pem"), Pem.privateKey(keys.getPrivate()));
    Files.writeString(dir.resolve("chain.pem"), Pem.certificates(certificate.chain()));

    long heapBefore = heapAfterGc();
    Process sidecars = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        FanOutClients.class.getName(), String.valueOf(https.port()),
        dir.resolve("root.pem").toString(), dir.resolve("key.pem").toString(),
        dir.resolve("chain.pem").toString(), String.valueOf(count), "app-")
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread.ofPlatform().daemon().start(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(
          sidecars.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (java.io.IOException e) {
        lines.add("ERROR reader " + e);
      }
    });
    long connecting = System.nanoTime();
    expect(lines, "POLLING", Duration.ofMinutes(5));
    await().atMost(Duration.ofMinutes(2)).until(() -> longPolls(registry) >= count);
    log("%d sidecars connected and long-polling after %d ms", count,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connecting));
    long heapHeld = heapAfterGc();

    List<String> results = new ArrayList<>();
    results.add(String.format("| sidecars long-polling | %d (one TLS connection each) |", count));
    results.add(String.format("| operator heap per held long-poll | %.1f KiB (%d MiB for all, after GC) |",
        (heapHeld - heapBefore) / 1024.0 / count, (heapHeld - heapBefore) >> 20));
    for (String round : List.of("first", "second")) {
      Instant written = Instant.now();
      long cpuBefore = processCpuNanos();
      long threadsBefore = threadCpuNanos();
      if (round.equals("first")) {
        admin.resource(allow(NS, "fanout", List.of("frontend"))).create();
      } else {
        admin.resources(AccessPolicy.class).inNamespace(NS).withName("fanout")
            .edit(p -> allow(NS, "fanout", List.of("frontend", "gateway")));
      }
      FanOut fanOut = collect(lines, count, written, Duration.ofMinutes(2));
      long cpu = processCpuNanos() - cpuBefore;
      long threads = threadCpuNanos() - threadsBefore;
      log("%s change: all %d sidecars had it after %d ms (p50 %d ms, p99 %d ms); operator CPU %d ms"
          + " (threads %d ms)", round, fanOut.received(), fanOut.maxMillis(), fanOut.p50(),
          fanOut.p99(), TimeUnit.NANOSECONDS.toMillis(cpu), TimeUnit.NANOSECONDS.toMillis(threads));
      results.add(String.format("| %s AccessPolicy change (selects all %d): time until every sidecar"
          + " has it | %d ms (p50 %d ms, p99 %d ms) |", round, count, fanOut.maxMillis(),
          fanOut.p50(), fanOut.p99()));
      results.add(String.format("| operator CPU for that change (process, incl. GC and JIT) | %d ms |",
          TimeUnit.NANOSECONDS.toMillis(cpu)));
      results.add(String.format("| configuration size per sidecar | %d bytes |", fanOut.bytes()));
      Thread.sleep(1000);
    }
    lines.clear();
    Instant written = Instant.now();
    admin.resource(allow(OTHER_NS, "elsewhere", List.of("frontend"))).create();
    Thread.sleep(5000);
    long woken = lines.stream().filter(l -> l.startsWith("CHANGED")).count();
    log("a policy of another namespace woke %d of the %d sidecars in 5 s", woken, count);
    results.add(String.format("| sidecars woken by a policy change in another namespace | %d of %d |",
        woken, count));
    results.add(String.format("| operator heap after the run (after GC) | %d MiB |",
        heapAfterGc() >> 20));
    System.out.println();
    results.forEach(System.out::println);

    sidecars.getOutputStream().close();
    sidecars.destroy();
    https.close();
    service.close();
    serving.close();
    operatorClient.close();
    admin.close();
    System.exit(0);
  }

  private record FanOut(int received, long maxMillis, long p50, long p99, int bytes) {}

  private static FanOut collect(LinkedBlockingQueue<String> lines, int count, Instant written,
      Duration limit) throws InterruptedException {
    long writtenMicros = ChronoUnit.MICROS.between(Instant.EPOCH, written);
    Map<Integer, Long> latencies = new ConcurrentHashMap<>();
    int bytes = 0;
    long deadline = System.nanoTime() + limit.toNanos();
    while (latencies.size() < count && System.nanoTime() < deadline) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      if (line == null) {
        continue;
      }
      String[] words = line.split(" ");
      if (words[0].equals("CHANGED")) {
        latencies.put(Integer.parseInt(words[1]), (Long.parseLong(words[2]) - writtenMicros) / 1000);
        bytes = Integer.parseInt(words[3]);
      } else if (words[0].equals("ERROR")) {
        log("sidecar error: %s", line);
      }
    }
    List<Long> sorted = latencies.values().stream().sorted().toList();
    if (sorted.isEmpty()) {
      throw new IllegalStateException("no sidecar received the change");
    }
    return new FanOut(sorted.size(), sorted.getLast(), sorted.get(sorted.size() / 2),
        sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1)), bytes);
  }

  private static void expect(LinkedBlockingQueue<String> lines, String wanted, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      if (wanted.equals(line)) {
        return;
      }
      if (line != null && line.startsWith("ERROR")) {
        log("sidecar: %s", line);
      }
    }
    throw new IllegalStateException("sidecars never reported " + wanted);
  }

  private static AccessPolicy allow(String namespace, String name, List<String> callers) {
    AccessPolicy policy = new AccessPolicy();
    policy.getMetadata().setName(name);
    policy.getMetadata().setNamespace(namespace);
    policy.setSpec(new AccessPolicySpec());
    policy.getSpec().selector = new WorkloadSelector();
    policy.getSpec().selector.matchLabels = Map.of("palisade.dev/proxy", "injected");
    policy.getSpec().action = PolicyAction.ALLOW;
    AccessPolicySpec.Rule rule = new AccessPolicySpec.Rule();
    rule.serviceAccounts = callers;
    policy.getSpec().rules = List.of(rule);
    return policy;
  }

  private static double longPolls(PrometheusMeterRegistry registry) {
    return registry.get("palisade.config.long.polls").gauge().value();
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long threadCpuNanos() {
    var threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (long id : threads.getAllThreadIds()) {
      long cpu = threads.getThreadCpuTime(id);
      total += Math.max(cpu, 0);
    }
    return total;
  }

  private static void log(String format, Object... args) {
    System.err.printf("[bench] " + format + "%n", args);
  }
}
