package dev.palisade.sidecar.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.common.pki.Issuer;
import dev.palisade.common.pki.KeyType;
import dev.palisade.common.pki.X509Profiles;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.common.time.Backoff;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The renewal loop's logic, with a fetcher made in the test (no network). */
class IdentityRenewerTest {

  private static final WorkloadIdentity ME = new WorkloadIdentity("cluster.local", "shop", "cart");
  private final Issuer issuer = issuer();
  private final ConcurrentLinkedQueue<IssuedIdentity> published = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

  @Test
  void renewsAroundHalfLifeWhileTheCurrentCertificateIsStillValid() {
    ConcurrentLinkedQueue<Instant> publishedAt = new ConcurrentLinkedQueue<>();
    try (IdentityRenewer renewer = renewer(() -> {
      publishedAt.add(Instant.now());
      return issue(Duration.ofSeconds(4));
    })) {
      renewer.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> published.size() >= 4);
    }
    List<IssuedIdentity> all = List.copyOf(published);
    List<Instant> times = List.copyOf(publishedAt);
    for (int i = 1; i < 4; i++) {
      Duration gap = Duration.between(times.get(i - 1), times.get(i));
      // At 40-60% of what is left of a 4 s lifetime: no tight loop, even on a loaded machine
      // where fetching itself takes a while...
      assertThat(gap).isGreaterThan(Duration.ofSeconds(1));
      // ...and before the certificate in use expires.
      assertThat(times.get(i)).isBefore(all.get(i - 1).notAfter());
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void keepsRetryingWithBackoffAndRecovers() {
    AtomicInteger attempts = new AtomicInteger();
    try (IdentityRenewer renewer = renewer(() -> {
      if (attempts.incrementAndGet() <= 4) {
        throw new IdentityException("unreachable", "CA down", null);
      }
      return issue(Duration.ofHours(24));
    })) {
      renewer.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> !published.isEmpty());
    }
    assertThat(failures).containsExactly("unreachable", "unreachable", "unreachable", "unreachable");
    assertThat(published).hasSize(1);
  }

  @Test
  void honoursTheCasRetryAfter() {
    AtomicInteger attempts = new AtomicInteger();
    long[] times = new long[2];
    try (IdentityRenewer renewer = renewer(() -> {
      times[Math.min(attempts.get(), 1)] = System.nanoTime();
      if (attempts.incrementAndGet() == 1) {
        throw new IdentityException("http_429", "busy", Duration.ofMillis(300));
      }
      return issue(Duration.ofHours(24));
    })) {
      renewer.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> !published.isEmpty());
    }
    assertThat(Duration.ofNanos(times[1] - times[0])).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void aRetryAfterIsAFloorAndRefusedSidecarsSpreadOutAboveIt() {
    java.util.Random random = new java.util.Random(7);
    dev.palisade.common.time.Backoff backoff = new dev.palisade.common.time.Backoff(
        Duration.ofSeconds(1), Duration.ofSeconds(30));
    java.util.Set<Long> seconds = new java.util.TreeSet<>();
    for (int i = 0; i < 200; i++) {
      Duration delay = IdentityRenewer.retryDelay(java.util.Optional.of(Duration.ofSeconds(1)),
          4, backoff, random);
      assertThat(delay).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(17));
      seconds.add(delay.toSeconds());
    }
    assertThat(seconds).as("spread over many seconds, not all at the first").hasSizeGreaterThan(8);
    assertThat(IdentityRenewer.retryDelay(java.util.Optional.empty(), 0, backoff, random))
        .isLessThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void renewNowReplacesTheScheduledAttemptWithOneNow() {
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    scheduler.setRemoveOnCancelPolicy(true); // a cancelled attempt leaves the queue
    AtomicInteger fetches = new AtomicInteger();
    try (IdentityRenewer renewer = renewer(() -> {
      fetches.incrementAndGet();
      return issue(Duration.ofHours(24));
    }, scheduler)) {
      renewer.start();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> published.size() == 1 && scheduler.getQueue().size() == 1);

      renewer.renewNow();

      await().atMost(Duration.ofSeconds(10))
          .until(() -> published.size() == 2 && scheduler.getQueue().size() == 1);
      assertThat(fetches).hasValue(2);
      assertThat(scheduler.getQueue().peek()).isInstanceOfSatisfying(
          java.util.concurrent.Delayed.class, next ->
              assertThat(next.getDelay(TimeUnit.HOURS)).as("the next one, at half-life")
                  .isGreaterThanOrEqualTo(9));
    }
    List<IssuedIdentity> both = List.copyOf(published);
    assertThat(both.get(1).key()).as("a new key").isNotEqualTo(both.get(0).key());
  }

  @Test
  void aFailedRenewNowBacksOffAndRetriesLikeAnyAttempt() {
    AtomicInteger fetches = new AtomicInteger();
    try (IdentityRenewer renewer = renewer(() -> {
      if (fetches.incrementAndGet() == 2) {
        throw new IdentityException("unreachable", "CA down", null);
      }
      return issue(Duration.ofHours(24));
    })) {
      renewer.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> published.size() == 1);

      renewer.renewNow();

      await().atMost(Duration.ofSeconds(10)).until(() -> published.size() == 2);
    }
    assertThat(failures).containsExactly("unreachable");
    assertThat(fetches).hasValue(3);
  }

  private IdentityRenewer renewer(CertificateFetcher fetcher) {
    return renewer(fetcher, Executors.newSingleThreadScheduledExecutor());
  }

  private IdentityRenewer renewer(CertificateFetcher fetcher,
      ScheduledExecutorService scheduler) {
    return new IdentityRenewer(fetcher, published::add, new IdentityRenewer.Listener() {
      @Override
      public void renewed(IssuedIdentity identity) {}

      @Override
      public void failed(IdentityException error, Duration retryIn) {
        failures.add(error.reason());
      }
    }, Clock.systemUTC(), new SplittableRandom(1),
        new Backoff(Duration.ofMillis(10), Duration.ofMillis(100)), scheduler);
  }

  private IssuedIdentity issue(Duration lifetime) {
    KeyPair keys = KeyType.ECDSA_P256.generate();
    var leaf = X509Profiles.workload(keys.getPublic(), ME, issuer, Instant.now(), lifetime);
    return new IssuedIdentity(ME.toSpiffeId(), List.of(leaf, issuer.certificate()),
        keys.getPrivate(), List.of(issuer.root()));
  }

  private static Issuer issuer() {
    KeyPair rootKeys = KeyType.ECDSA_P256.generate();
    Issuer root = new Issuer(X509Profiles.root(rootKeys, "cluster.local", Instant.now(),
        Duration.ofDays(1)), rootKeys.getPrivate(), List.of());
    KeyPair keys = KeyType.ECDSA_P256.generate();
    return new Issuer(X509Profiles.intermediate(keys.getPublic(), root, "cluster.local",
        Instant.now(), Duration.ofDays(1)), keys.getPrivate(), List.of(root.certificate()));
  }
}
