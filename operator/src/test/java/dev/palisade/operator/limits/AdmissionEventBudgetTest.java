package dev.palisade.operator.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AdmissionEventBudgetTest {

  private final Clock fixed = Clock.fixed(Instant.parse("2026-12-04T12:00:00Z"), ZoneOffset.UTC);

  @Test
  void forgedReviewsGetAFewEventsPerNamespaceAndFewInAll() {
    AdmissionEventBudget budget = new AdmissionEventBudget(fixed);

    assertThat(IntStream.range(0, 100).filter(i -> budget.allow("victim")).count()).isEqualTo(5);
    assertThat(budget.allow("other")).as("another namespace has its own").isTrue();
    long others = IntStream.range(0, 1000).filter(i -> budget.allow("ns-" + i)).count();
    assertThat(others).as("and all together are capped").isEqualTo(20 - 6);
  }

  @Test
  void eventTextIsPrintableAndShort() {
    assertThat(AdmissionEventBudget.sanitise("bad\u001b[31mred\nline")).isEqualTo("bad?[31mred?line");
    assertThat(AdmissionEventBudget.sanitise("y".repeat(10_000))).hasSize(512).endsWith("...");
    assertThat(AdmissionEventBudget.sanitise("pod asked for a proxy")).isEqualTo("pod asked for a proxy");
  }
}
