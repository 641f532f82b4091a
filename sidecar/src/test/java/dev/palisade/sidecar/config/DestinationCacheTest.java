package dev.palisade.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.common.config.DestinationDocument;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bounded, least recently used out first, aged by each answer's own max age. */
class DestinationCacheTest {

  private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

  private final DestinationCache cache = new DestinationCache(2);

  @Test
  void anAnswerIsFreshForItsMaxAgeAndKeptAfterwards() {
    cache.put("10.0.0.1:80", answer("10.0.0.1", 80, 30), NOW);

    DestinationCache.Entry entry = cache.get("10.0.0.1:80").orElseThrow();
    assertThat(entry.freshAt(NOW.plusSeconds(29))).isTrue();
    assertThat(entry.freshAt(NOW.plusSeconds(30))).isFalse();
    assertThat(cache.get("10.0.0.1:80")).as("expired answers stay for when the operator is gone")
        .isPresent();
  }

  @Test
  void theLeastRecentlyUsedAnswerLeavesFirst() {
    cache.put("10.0.0.1:80", answer("10.0.0.1", 80, 30), NOW);
    cache.put("10.0.0.2:80", answer("10.0.0.2", 80, 30), NOW);
    cache.get("10.0.0.1:80"); // used: now the most recent
    cache.put("10.0.0.3:80", answer("10.0.0.3", 80, 30), NOW);

    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.get("10.0.0.2:80")).isEmpty();
    assertThat(cache.get("10.0.0.1:80")).isPresent();
    assertThat(cache.get("10.0.0.3:80")).isPresent();
  }

  @Test
  void aWrongAnswerIsForgotten() {
    cache.put("10.0.0.1:80", answer("10.0.0.1", 80, 30), NOW);
    cache.remove("10.0.0.1:80");

    assertThat(cache.get("10.0.0.1:80")).isEmpty();
  }

  private static DestinationDocument answer(String ip, int port, int maxAge) {
    return new DestinationDocument(ip, port, true, List.of("spiffe://td/ns/a/sa/b"), "meshed",
        maxAge);
  }
}
