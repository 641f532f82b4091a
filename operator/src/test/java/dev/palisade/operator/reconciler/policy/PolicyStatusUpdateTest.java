package dev.palisade.operator.reconciler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.operator.policy.PolicyVerdict;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyStatusUpdateTest {

  private final SteppingClock clock = new SteppingClock(Instant.parse("2026-12-04T12:00:00Z"));
  private final PolicyStatusUpdate statuses = new PolicyStatusUpdate(clock);

  @Test
  void whileOnlyTheSelectionMovesAPolicyIsPatchedOncePerIntervalWithTheLastState() {
    AccessPolicy policy = policy(1);
    assertThat(written(statuses.apply(policy, applied("ns/a")))).isTrue();

    clock.advance(Duration.ofSeconds(2));
    UpdateControl<AccessPolicy> deferred = statuses.apply(policy, applied("ns/a", "ns/b"));
    assertThat(deferred.isNoUpdate()).isTrue();
    assertThat(deferred.getScheduleDelay()).contains(8_000L);
    assertThat(policy.getStatus().selectedWorkloads).as("untouched until then").isEqualTo(1);

    clock.advance(Duration.ofSeconds(8));
    UpdateControl<AccessPolicy> later = statuses.apply(policy, applied("ns/a", "ns/b", "ns/c"));
    assertThat(written(later)).isTrue();
    assertThat(policy.getStatus().selectedWorkloads).isEqualTo(3);
  }

  @Test
  void aNewGenerationOrOutcomeIsWrittenAtOnce() {
    AccessPolicy policy = policy(1);
    statuses.apply(policy, applied("ns/a"));

    clock.advance(Duration.ofSeconds(1));
    assertThat(written(statuses.apply(policy, new PolicyVerdict(List.of("ns/a"), false,
        PolicyVerdict.INVALID_RULE, "rule 1 is wrong")))).as("readiness").isTrue();
    clock.advance(Duration.ofSeconds(1));
    policy.getMetadata().setGeneration(2L);
    assertThat(written(statuses.apply(policy, new PolicyVerdict(List.of("ns/a"), false,
        PolicyVerdict.INVALID_RULE, "rule 1 is wrong")))).as("generation").isTrue();
    assertThat(policy.getStatus().observedGeneration).isEqualTo(2L);
  }

  @Test
  void nothingChangedIsNoWriteAndNoReschedule() {
    AccessPolicy policy = policy(1);
    statuses.apply(policy, applied("ns/a"));

    UpdateControl<AccessPolicy> again = statuses.apply(policy, applied("ns/a"));
    assertThat(again.isNoUpdate()).isTrue();
    assertThat(again.getScheduleDelay()).isEmpty();
  }

  private static boolean written(UpdateControl<AccessPolicy> control) {
    return control.isPatchStatus();
  }

  private static PolicyVerdict applied(String... workloads) {
    return new PolicyVerdict(List.of(workloads), true, PolicyVerdict.APPLIED,
        "In effect for " + workloads.length + " workloads, with action ALLOW");
  }

  private static AccessPolicy policy(long generation) {
    AccessPolicy policy = new AccessPolicy();
    policy.getMetadata().setName("allow");
    policy.getMetadata().setNamespace("ns");
    policy.getMetadata().setUid("uid-1");
    policy.getMetadata().setGeneration(generation);
    return policy;
  }

  /** A clock the test moves. */
  private static final class SteppingClock extends Clock {
    private Instant now;

    SteppingClock(Instant start) {
      this.now = start;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
