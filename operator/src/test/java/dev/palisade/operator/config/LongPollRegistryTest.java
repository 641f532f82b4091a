package dev.palisade.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Deadlines, wake-ups, limits and idleness on a clock the test moves: nothing sleeps. */
class LongPollRegistryTest {

  private final AtomicLong nanos = new AtomicLong(1_000);
  private final LongPollRegistry<String> registry = new LongPollRegistry<>(nanos::get,
      Duration.ofSeconds(30), Duration.ofMinutes(2), 3);

  @Test
  void aWaiterEndsEmptyAtItsDeadlineAndNotBefore() {
    CompletableFuture<Optional<String>> early = registry.register("shop/web-0").orElseThrow();
    advance(Duration.ofSeconds(10));
    CompletableFuture<Optional<String>> late = registry.register("shop/db-0").orElseThrow();

    advance(Duration.ofSeconds(20).minusNanos(1));
    assertThat(registry.expireDue()).isZero();
    assertThat(early).isNotDone();

    advance(Duration.ofNanos(1));
    assertThat(registry.expireDue()).isOne();
    assertThat(early).isCompletedWithValue(Optional.empty());
    assertThat(late).as("due 10 s later").isNotDone();
    assertThat(registry.waiting()).isOne();

    advance(Duration.ofSeconds(10));
    assertThat(registry.expireDue()).isOne();
    assertThat(late).isCompletedWithValue(Optional.empty());
    assertThat(registry.waiting()).isZero();
  }

  @Test
  void aWakeCompletesThatWorkloadsWaitersOnly() {
    CompletableFuture<Optional<String>> web1 = registry.register("shop/web-0").orElseThrow();
    CompletableFuture<Optional<String>> web2 = registry.register("shop/web-0").orElseThrow();
    CompletableFuture<Optional<String>> db = registry.register("shop/db-0").orElseThrow();

    registry.wake("shop/web-0", "v2");

    assertThat(web1).isCompletedWithValue(Optional.of("v2"));
    assertThat(web2).isCompletedWithValue(Optional.of("v2"));
    assertThat(db).isNotDone();
    assertThat(registry.waiting()).isOne();
    advance(Duration.ofSeconds(30));
    assertThat(registry.expireDue()).as("woken waiters are no longer due").isOne();
  }

  @Test
  void theLimitRefusesMoreAndACancelledWaiterFreesItsPlace() {
    List<CompletableFuture<Optional<String>>> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(registry.register("shop/web-" + i).orElseThrow());
    }
    assertThat(registry.register("shop/web-3")).isEmpty();
    assertThat(registry.waiting()).isEqualTo(3);

    held.getFirst().cancel(false);

    assertThat(registry.waiting()).isEqualTo(2);
    assertThat(registry.register("shop/web-3")).isPresent();
  }

  @Test
  void endingAWorkloadEndsItsWaitersEmpty() {
    CompletableFuture<Optional<String>> web = registry.register("shop/web-0").orElseThrow();
    registry.end("shop/web-0");
    assertThat(web).isCompletedWithValue(Optional.empty());
    assertThat(registry.waiting()).isZero();
  }

  @Test
  void aWorkloadIsIdleOnlyAfterTheLimitWithoutAskingOrWaiting() {
    registry.asked("shop/web-0");
    registry.asked("shop/db-0");
    registry.register("shop/db-0").orElseThrow();
    List<String> forgotten = new ArrayList<>();

    advance(Duration.ofMinutes(2));
    registry.forgetIdle(forgotten::add);
    assertThat(forgotten).as("exactly at the limit").isEmpty();

    advance(Duration.ofNanos(1));
    registry.forgetIdle(forgotten::add);
    assertThat(forgotten).as("db-0 still holds a long-poll").containsExactly("shop/web-0");

    forgotten.clear();
    registry.forgetIdle(forgotten::add);
    assertThat(forgotten).as("named once").isEmpty();
  }

  private void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }
}
