package dev.palisade.operator.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Admission: threads + queue tasks at a time, the rest refused at once. */
class BoundedWorkersTest {

  private final BoundedWorkers workers = new BoundedWorkers("test-workers", 2, 3);
  private final CountDownLatch gate = new CountDownLatch(1);

  @AfterEach
  void close() {
    gate.countDown();
    workers.close();
  }

  @Test
  void admitsThreadsPlusQueueAndRefusesTheRestAtOnce() {
    List<CompletableFuture<String>> admitted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      admitted.add(workers.trySubmit(this::waitForGate).orElseThrow());
    }
    assertThat(workers.available()).isZero();
    assertThat(workers.trySubmit(() -> "sixth")).isEmpty();

    gate.countDown();
    assertThat(admitted).allSatisfy(f -> assertThat(f.join()).isEqualTo("done"));
    assertThat(workers.available()).isEqualTo(5);
  }

  @Test
  void aCompletedTaskHasReturnedItsPermitAlready() {
    BoundedWorkers one = new BoundedWorkers("test-one", 1, 0);
    try {
      for (int i = 0; i < 100; i++) {
        // No waiting in between: the permit is back before the result is visible.
        assertThat(one.trySubmit(() -> "ok").orElseThrow().join()).isEqualTo("ok");
      }
    } finally {
      one.close();
    }
  }

  @Test
  void aFailingTaskFailsItsFutureAndReturnsItsPermit() {
    Optional<CompletableFuture<Object>> failed = workers.trySubmit(() -> {
      throw new IllegalStateException("boom");
    });
    assertThat(failed.orElseThrow()).failsWithin(5, TimeUnit.SECONDS)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(IllegalStateException.class);
    assertThat(workers.available()).isEqualTo(5);
  }

  @Test
  void refusesOnceClosed() {
    workers.close();
    assertThat(workers.trySubmit(() -> "late")).isEmpty();
    assertThat(workers.available()).isEqualTo(5);
  }

  private String waitForGate() throws InterruptedException {
    assertThat(gate.await(10, TimeUnit.SECONDS)).isTrue();
    return "done";
  }
}
