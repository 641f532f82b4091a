package dev.palisade.operator.metrics;

import dev.palisade.operator.http.HttpServer;
import dev.palisade.operator.http.RequestHandler;
import dev.palisade.operator.http.Response;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The plain-HTTP admin port (:9090): {@code /metrics} for Prometheus, {@code /healthz} for the
 * liveness probe (the process answers), {@code /readyz} for the readiness probe (every
 * {@link ReadinessChecks} check passes; 503 names those that do not).
 */
public final class AdminServer {

  public static final int DEFAULT_PORT = 9090;

  /** The Prometheus text format that {@link PrometheusMeterRegistry#scrape()} writes. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private AdminServer() {}

  public static HttpServer bind(InetSocketAddress address, PrometheusMeterRegistry registry,
      ReadinessChecks readiness) {
    return bind(address, registry, readiness, UnaryOperator.identity());
  }

  /** @param more routes of other components served here too (the config service's) */
  public static HttpServer bind(InetSocketAddress address, PrometheusMeterRegistry registry,
      ReadinessChecks readiness, UnaryOperator<HttpServer.Builder> more) {
    return more.apply(HttpServer.plain("admin"))
        .route("GET", "/metrics",
            RequestHandler.of(request -> Response.text(200, PROMETHEUS_TEXT, registry.scrape())))
        .route("GET", "/healthz",
            RequestHandler.of(request -> Response.json(200, Map.of("status", "ok"))))
        .route("GET", "/readyz", RequestHandler.of(request -> ready(readiness.failing())))
        .bind(address);
  }

  private static Response ready(List<String> failing) {
    return failing.isEmpty()
        ? Response.json(200, Map.of("status", "ready"))
        : Response.json(503, Map.of("status", "not_ready", "failing", failing));
  }
}
