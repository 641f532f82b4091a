package dev.palisade.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.api.v1alpha1.AccessPolicySpec;
import dev.palisade.api.v1alpha1.MeshPolicy;
import dev.palisade.api.v1alpha1.MeshPolicySpec;
import dev.palisade.api.v1alpha1.WorkloadSelector;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.PolicyAction;
import dev.palisade.operator.policy.Workload;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import dev.palisade.common.revocation.Revocations;
import java.math.BigInteger;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Versions change only for the workloads whose configuration changed; long-polls follow. */
class ConfigPublisherTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final FakeCluster cluster = new FakeCluster()
      .add(FakeCluster.pod("shop", "web-0", "web", true, "10.0.0.1", labels("web"), Map.of()))
      .add(FakeCluster.pod("shop", "db-0", "db", true, "10.0.0.2", labels("db"), Map.of()))
      .add(FakeCluster.pod("blog", "app-0", "app", true, "10.0.1.1", labels("blog"), Map.of()));
  private final AtomicReference<String> bundle = new AtomicReference<>("ROOTS-1");
  private final AtomicReference<Revocations> revocations =
      new AtomicReference<>(Revocations.NONE);
  private ConfigPublisher publisher = publisher(Duration.ofSeconds(30), 100);

  @AfterEach
  void close() {
    publisher.close();
  }

  @Test
  void aNamespacePolicyChangesOnlyThatNamespacesVersions() {
    String web = current("shop", "web-0").version();
    String db = current("shop", "db-0").version();
    String blog = current("blog", "app-0").version();

    cluster.accessPolicies.add(allowOnly("shop", "only-frontend", "web", "frontend"));
    publisher.policiesChanged("shop");

    await().atMost(WAIT).until(() -> !current("shop", "web-0").version().equals(web));
    assertThat(current("shop", "db-0").version()).as("its selector does not select db")
        .isEqualTo(db);
    assertThat(current("blog", "app-0").version()).isEqualTo(blog);
  }

  @Test
  void aRevocationWakesTheLongPollsOfEveryNamespaceWithIt() throws Exception {
    String web = current("shop", "web-0").version();
    String blog = current("blog", "app-0").version();
    CompletableFuture<Optional<PublishedConfig>> webWaiter =
        publisher.awaitChange("shop/web-0", web).orElseThrow();
    CompletableFuture<Optional<PublishedConfig>> blogWaiter =
        publisher.awaitChange("blog/app-0", blog).orElseThrow();
    Revocations revoked = new Revocations(Set.of(BigInteger.valueOf(4242)), Set.of());

    revocations.set(revoked);
    publisher.revocationsChanged();

    assertThat(webWaiter.get(10, java.util.concurrent.TimeUnit.SECONDS).orElseThrow()
        .revocations()).isEqualTo(revoked);
    assertThat(blogWaiter.get(10, java.util.concurrent.TimeUnit.SECONDS).orElseThrow()
        .revocations()).isEqualTo(revoked);
    assertThat(publisher.revocations()).isEqualTo(revoked);
  }

  @Test
  void equalContentHasEqualVersionsOnEveryReplica() {
    ConfigPublisher other = publisher(Duration.ofSeconds(30), 100);
    try {
      assertThat(other.current(cluster.pod("shop", "web-0").orElseThrow()).orElseThrow().version())
          .isEqualTo(current("shop", "web-0").version());
      assertThat(current("shop", "web-0").version()).as("another identity, another document")
          .isNotEqualTo(current("shop", "db-0").version());
    } finally {
      other.close();
    }
  }

  @Test
  void aLongPollIsAnsweredByAChangeOfItsWorkloadOnly() throws Exception {
    String web = current("shop", "web-0").version();
    String blog = current("blog", "app-0").version();
    CompletableFuture<Optional<PublishedConfig>> webWaiter =
        publisher.awaitChange("shop/web-0", web).orElseThrow();
    CompletableFuture<Optional<PublishedConfig>> blogWaiter =
        publisher.awaitChange("blog/app-0", blog).orElseThrow();
    assertThat(publisher.waiting()).isEqualTo(2);

    cluster.meshPolicies.add(permissive("shop"));
    publisher.policiesChanged("shop");

    Optional<PublishedConfig> changed = webWaiter.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(changed).hasValueSatisfying(p -> assertThat(p.version()).isNotEqualTo(web));
    assertThat(blogWaiter).isNotDone();
    assertThat(publisher.waiting()).isEqualTo(1);
    blogWaiter.cancel(false);
    assertThat(publisher.waiting()).as("a cancelled long-poll is forgotten").isZero();
  }

  @Test
  void aLongPollTimesOutEmpty() throws Exception {
    publisher.close();
    publisher = publisher(Duration.ofMillis(200), 100);
    String web = current("shop", "web-0").version();
    long start = System.nanoTime();
    Optional<PublishedConfig> answer = publisher.awaitChange("shop/web-0", web)
        .orElseThrow().get(5, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(answer).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(
        Duration.ofMillis(150));
  }

  @Test
  void aStaleVersionIsAnsweredAtOnceAndTooManyWaitersAreRefused() throws Exception {
    publisher.close();
    publisher = publisher(Duration.ofSeconds(30), 1);
    String web = current("shop", "web-0").version();
    assertThat(publisher.awaitChange("shop/web-0", "stale").orElseThrow().get(1,
        java.util.concurrent.TimeUnit.SECONDS)).hasValueSatisfying(
            p -> assertThat(p.version()).isEqualTo(web));
    assertThat(publisher.awaitChange("shop/web-0", web)).isPresent();
    assertThat(publisher.awaitChange("shop/db-0", current("shop", "db-0").version()))
        .as("over the limit").isEmpty();
  }

  @Test
  void aTrustBundleChangeReachesEveryWorkload() {
    String web = current("shop", "web-0").version();
    String blog = current("blog", "app-0").version();
    bundle.set("ROOTS-1+2");
    await().atMost(WAIT).until(() -> !current("shop", "web-0").version().equals(web)
        && !current("blog", "app-0").version().equals(blog));
  }

  @Test
  void aRemovedPodsLongPollEnds() throws Exception {
    var waiter = publisher.awaitChange("shop/db-0", current("shop", "db-0").version())
        .orElseThrow();
    cluster.pods.remove("shop/db-0");
    publisher.podRemoved("shop", "db-0");
    assertThat(waiter.get(1, java.util.concurrent.TimeUnit.SECONDS)).isEmpty();
    assertThat(publisher.waiting()).isZero();
  }

  private static Map<String, String> labels(String app) {
    return Map.of("app", app, Workload.PROXY_LABEL, Workload.PROXY_INJECTED);
  }

  private ConfigPublisher publisher(Duration timeout, int maxWaiters) {
    return new ConfigPublisher(cluster, "cluster.local", () -> Optional.ofNullable(bundle.get()),
        revocations::get, timeout, maxWaiters);
  }

  private PublishedConfig current(String namespace, String name) {
    return publisher.current(cluster.pod(namespace, name).orElseThrow()).orElseThrow();
  }

  /** ALLOW from service account {@code caller}, for the pods labelled app={@code app}. */
  private static AccessPolicy allowOnly(String namespace, String name, String app,
      String caller) {
    AccessPolicy policy = new AccessPolicy();
    policy.getMetadata().setNamespace(namespace);
    policy.getMetadata().setName(name);
    policy.setSpec(new AccessPolicySpec());
    policy.getSpec().selector = new WorkloadSelector();
    policy.getSpec().selector.matchLabels = Map.of("app", app);
    policy.getSpec().action = PolicyAction.ALLOW;
    AccessPolicySpec.Rule rule = new AccessPolicySpec.Rule();
    rule.serviceAccounts = List.of(caller);
    policy.getSpec().rules = List.of(rule);
    return policy;
  }

  private static MeshPolicy permissive(String namespace) {
    MeshPolicy policy = new MeshPolicy();
    policy.getMetadata().setNamespace(namespace);
    policy.getMetadata().setName("permissive");
    policy.setSpec(new MeshPolicySpec());
    policy.getSpec().mode = MtlsMode.PERMISSIVE;
    return policy;
  }
}
