package dev.palisade.operator.config;

import dev.palisade.common.revocation.Revocations;
import java.util.function.Supplier;
import dev.palisade.common.config.DestinationDocument;
import dev.palisade.common.net.Port;
import dev.palisade.operator.http.Request;
import dev.palisade.operator.http.RequestHandler;
import dev.palisade.operator.http.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/destinations?ip=<ip>&port=<port>}: whether a destination is in the mesh and
 * which identities may serve it, for a sidecar about to open an outbound connection. Any
 * workload of the trust domain may ask (with its client certificate); sidecars cache answers for
 * {@code maxAgeSeconds}. In memory, on the event loop.
 */
final class DestinationsEndpoint implements RequestHandler {

  private static final String USAGE =
      "give the destination as ip=<IPv4 or IPv6 address>&port=<1-65535>";

  static final String PATH = "/v1/destinations";

  private static final Logger log = LoggerFactory.getLogger(DestinationsEndpoint.class);

  private final ClusterView view;
  private final DestinationResolver resolver;
  private final String trustDomain;
  private final ConfigMetrics metrics;
  private final Supplier<Revocations> revocations;

  DestinationsEndpoint(ClusterView view, DestinationResolver resolver, String trustDomain,
      ConfigMetrics metrics, Supplier<Revocations> revocations) {
    this.view = view;
    this.resolver = resolver;
    this.trustDomain = trustDomain;
    this.metrics = metrics;
    this.revocations = revocations;
  }

  @Override
  public CompletionStage<Response> handle(Request request) {
    Response response;
    try {
      response = serve(request);
      metrics.answered(ConfigMetrics.Endpoint.DESTINATIONS, ConfigOutcome.OK);
    } catch (ConfigRefusal refusal) {
      response = Refusals.answer(log, ConfigMetrics.Endpoint.DESTINATIONS, metrics, request,
          refusal);
    }
    return CompletableFuture.completedFuture(response);
  }

  private Response serve(Request request) throws ConfigRefusal {
    if (!view.synced()) {
      throw new ConfigRefusal(ConfigOutcome.NOT_READY, "this replica has not loaded the"
          + " cluster yet; retry shortly");
    }
    ClientIdentity.of(request, trustDomain, revocations.get());
    String ip = request.queryParameter("ip").flatMap(Addresses::normalize)
        .orElseThrow(() -> new ConfigRefusal(ConfigOutcome.BAD_REQUEST, USAGE));
    Port port;
    try {
      port = Port.parse(request.queryParameter("port").orElse(""));
    } catch (IllegalArgumentException e) {
      throw new ConfigRefusal(ConfigOutcome.BAD_REQUEST, USAGE);
    }
    DestinationDocument answer = resolver.resolve(ip, port.value());
    return Response.json(200, answer)
        .withHeader("Cache-Control", "max-age=" + answer.maxAgeSeconds());
  }
}
