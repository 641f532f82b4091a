package dev.palisade.sidecar.identity;

import dev.palisade.common.time.Backoff;
import dev.palisade.common.time.Renewal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the sidecar's certificate fresh: fetches one at start, renews at a jittered half-life,
 * and on failure retries with backoff (or the CA's Retry-After) while the current certificate
 * keeps serving. Each new identity is handed to {@code publish}, which swaps it in for new
 * connections. Everything runs on the single-threaded {@code scheduler}, one attempt at a time.
 */
public final class IdentityRenewer implements AutoCloseable {

  /** Told of every attempt, for metrics and logs. */
  public interface Listener {
    /** Listens to nothing: the renewer logs, and the proxy counts failures through its sink. */
    Listener NONE = new Listener() {
      @Override
      public void renewed(IssuedIdentity identity) {}

      @Override
      public void failed(IdentityException error, Duration retryIn) {}
    };

    void renewed(IssuedIdentity identity);

    void failed(IdentityException error, Duration retryIn);
  }

  private static final Logger LOG = LoggerFactory.getLogger(IdentityRenewer.class);

  private final CertificateFetcher fetcher;
  private final Consumer<IssuedIdentity> publish;
  private final Listener listener;
  private final Clock clock;
  private final RandomGenerator random;
  private final Backoff backoff;
  private final ScheduledExecutorService scheduler;
  private int failures;
  /** The attempt scheduled next; touched on the scheduler's thread only. */
  private ScheduledFuture<?> next;

  public IdentityRenewer(CertificateFetcher fetcher, Consumer<IssuedIdentity> publish,
      Listener listener, Clock clock, RandomGenerator random, Backoff backoff,
      ScheduledExecutorService scheduler) {
    this.fetcher = fetcher;
    this.publish = publish;
    this.listener = listener;
    this.clock = clock;
    this.random = random;
    this.backoff = backoff;
    this.scheduler = scheduler;
  }

  public void start() {
    scheduler.execute(this::attempt);
  }

  /**
   * Attempts now instead of at the scheduled time (the certificate in force was revoked): on the
   * scheduler's thread, after any attempt under way; a failure backs off as usual.
   */
  public void renewNow() {
    try {
      scheduler.execute(() -> {
        if (next != null) {
          next.cancel(false);
        }
        attempt();
      });
    } catch (RejectedExecutionException e) {
      LOG.debug("not renewing: closed");
    }
  }

  private void attempt() {
    try {
      IssuedIdentity identity = fetcher.fetch();
      Instant received = clock.instant();
      failures = 0;
      publish.accept(identity);
      listener.renewed(identity);
      // From when we got it, not notBefore: CAs backdate notBefore for clock skew.
      Instant next = Renewal.jitteredHalfLife(received, identity.notAfter(), random);
      LOG.info("certificate for {} valid until {}; renewing at {}", identity.spiffeId(),
          identity.notAfter(), next);
      schedule(Duration.between(clock.instant(), next));
    } catch (IdentityException e) {
      Duration retryIn = retryDelay(e.retryAfter(), failures, backoff, random);
      failures++;
      LOG.warn("certificate request failed ({}): {}; retrying in {} with the current certificate",
          e.reason(), e.getMessage(), retryIn);
      listener.failed(e, retryIn);
      schedule(retryIn);
    } catch (RuntimeException e) {
      // Never let a bug stop renewals: treat it as a failed attempt.
      LOG.error("certificate renewal failed unexpectedly", e);
      IdentityException error = new IdentityException("internal", String.valueOf(e), null);
      Duration retryIn = backoff.delay(failures++, random);
      listener.failed(error, retryIn);
      schedule(retryIn);
    }
  }

  /**
   * After a failure: the backoff's delay; after a refusal with Retry-After, that long at least,
   * plus a random share of the larger of it and the backoff. Without the spread, every sidecar
   * refused together (a mass restart) would come back together, at the same second, to be
   * refused again (about 13 refusals each in a 10,000-pod restart, docs/benchmarks.md "Scale").
   */
  static Duration retryDelay(java.util.Optional<Duration> retryAfter, int failures,
      Backoff backoff, RandomGenerator random) {
    Duration backedOff = backoff.delay(failures, random);
    if (retryAfter.isEmpty()) {
      return backedOff;
    }
    Duration floor = retryAfter.get();
    long spread = Math.max(floor.toMillis(), backedOff.toMillis());
    return floor.plusMillis(random.nextLong(spread + 1));
  }

  private void schedule(Duration delay) {
    if (!scheduler.isShutdown()) {
      next = scheduler.schedule(this::attempt, Math.max(0, delay.toMillis()),
          TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
