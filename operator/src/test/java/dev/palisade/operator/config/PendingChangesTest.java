package dev.palisade.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A burst of changes is one recompute of everything they touched. */
class PendingChangesTest {

  private final PendingChanges pending = new PendingChanges();

  @Test
  void onlyTheFirstMarkOfABurstSchedulesARecompute() {
    assertThat(pending.pod("shop/web-0")).isTrue();
    assertThat(pending.namespace("blog")).isFalse();
    assertThat(pending.pod("shop/db-0")).isFalse();

    PendingChanges.Batch batch = pending.take();

    assertThat(batch.affects("shop", "shop/web-0")).isTrue();
    assertThat(batch.affects("blog", "blog/app-0")).isTrue();
    assertThat(batch.affects("shop", "shop/other")).as("only its pods were marked").isFalse();
    assertThat(pending.pod("shop/web-0")).as("after a take, the next mark schedules").isTrue();
  }

  @Test
  void aMeshWideChangeAffectsEverythingAndIsClearedByTake() {
    pending.namespace(null);
    assertThat(pending.take().affects("any", "any/pod")).isTrue();
    assertThat(pending.take().affects("any", "any/pod")).isFalse();
  }
}
