package dev.palisade.operator.signing;

import dev.palisade.operator.http.Request;
import dev.palisade.operator.http.RequestHandler;
import dev.palisade.operator.http.Response;
import dev.palisade.operator.limits.SourceRateLimiter;
import dev.palisade.operator.metrics.CaMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-caller limits in front of {@link CertificatesEndpoint}, all on the event loop and before any
 * worker or API call: a token bucket per source address ({@code 429 rate_limited}), the token's
 * own claims ({@link TokenPrecheck}: malformed, expired or another audience is {@code 401} at
 * once), and a short memory of tokens the TokenReview refused ({@link RefusedTokens}), so 500
 * bad tokens from one pod cost no TokenReview and no signing slot, and a legitimate caller
 * elsewhere is still served.
 */
public final class SigningGuard implements RequestHandler {

  /** Per source: a pod asks once per renewal; a burst covers restarts and retries. */
  static final int BURST = 20;
  static final double PER_SECOND = 5;
  static final int MAX_SOURCES = 16_384;
  static final Duration REFUSAL_MEMORY = Duration.ofSeconds(30);
  static final int MAX_REFUSALS = 16_384;

  private static final Logger log = LoggerFactory.getLogger(SigningGuard.class);

  private final RequestHandler endpoint;
  private final CaMetrics metrics;
  private final Clock clock;
  private final SourceRateLimiter sources;
  private final RefusedTokens refused;

  public SigningGuard(RequestHandler endpoint, CaMetrics metrics, Clock clock) {
    this(endpoint, metrics, clock, new SourceRateLimiter(BURST, PER_SECOND, MAX_SOURCES, clock));
  }

  SigningGuard(RequestHandler endpoint, CaMetrics metrics, Clock clock,
      SourceRateLimiter sources) {
    this.endpoint = endpoint;
    this.metrics = metrics;
    this.clock = clock;
    this.sources = sources;
    this.refused = new RefusedTokens(REFUSAL_MEMORY, MAX_REFUSALS, clock);
  }

  @Override
  public CompletionStage<Response> handle(Request request) {
    if (!sources.tryAcquire(request.remoteAddress())) {
      return refuse(request, new SigningRejection(SigningOutcome.RATE_LIMITED,
          "too many signing requests from " + host(request) + "; retry later"));
    }
    Optional<String> token = BearerToken.from(request.header("Authorization"));
    if (token.isEmpty()) {
      return endpoint.handle(request); // answered missing_token there, on the event loop
    }
    Optional<SigningRejection> precheck = TokenPrecheck.check(token.get(),
        TokenReviewAuthenticator.AUDIENCE, clock.instant());
    if (precheck.isPresent()) {
      return refuse(request, precheck.get());
    }
    if (refused.recentlyRefused(token.get())) {
      return refuse(request, new SigningRejection(SigningOutcome.INVALID_TOKEN,
          "the Kubernetes API server did not accept this token a moment ago; send a fresh one"));
    }
    return endpoint.handle(request).thenApply(response -> {
      if (response.status() == 401) {
        refused.remember(token.get());
      }
      return response;
    });
  }

  @Override
  public Response bodyTooLarge(Request request, int maxBodyBytes) {
    return endpoint.bodyTooLarge(request, maxBodyBytes);
  }

  private CompletionStage<Response> refuse(Request request, SigningRejection rejection) {
    SigningOutcome outcome = rejection.outcome();
    metrics.issued(CaMetrics.Kind.WORKLOAD, outcome.label());
    // DEBUG: these are what a flood is made of; the metric counts them.
    log.debug("refused a certificate to {}: {}", host(request), outcome.label());
    Response response = Response.error(outcome.status(), outcome.label(), rejection.getMessage());
    if (outcome.retryAfterSeconds() > 0) {
      response = response.withHeader("Retry-After", String.valueOf(outcome.retryAfterSeconds()));
    }
    if (outcome.status() == 401) {
      response = response.withHeader("WWW-Authenticate",
          "Bearer realm=\"palisade\", error=\"invalid_token\"");
    }
    return CompletableFuture.completedFuture(response);
  }

  private static String host(Request request) {
    return request.remoteAddress() instanceof java.net.InetSocketAddress inet
        && inet.getAddress() != null ? inet.getAddress().getHostAddress() : "this source";
  }
}
