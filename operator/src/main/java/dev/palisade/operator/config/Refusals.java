package dev.palisade.operator.config;

import dev.palisade.operator.http.Request;
import dev.palisade.operator.http.Response;
import org.slf4j.Logger;

/** The one shape of every config service refusal: counted, logged once, answered as JSON. */
final class Refusals {

  private Refusals() {}

  static Response answer(Logger log, ConfigMetrics.Endpoint endpoint, ConfigMetrics metrics,
      Request request, ConfigRefusal refusal) {
    ConfigOutcome outcome = refusal.outcome();
    metrics.answered(endpoint, outcome);
    if (outcome == ConfigOutcome.NOT_READY || outcome == ConfigOutcome.OVERLOADED) {
      log.debug("{} {}: {}", request.path(), outcome.label(), refusal.getMessage());
    } else {
      log.info("refused {} to {}: {}: {}", request.path(), request.remoteAddress(),
          outcome.label(), refusal.getMessage());
    }
    Response response = Response.error(outcome.status(), outcome.label(), refusal.getMessage());
    if (outcome.retryAfterSeconds() > 0) {
      response = response.withHeader("Retry-After", String.valueOf(outcome.retryAfterSeconds()));
    }
    return response;
  }
}
