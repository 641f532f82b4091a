package dev.palisade.operator.config;

import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.operator.http.Request;
import dev.palisade.operator.http.RequestHandler;
import dev.palisade.operator.http.Response;
import dev.palisade.operator.policy.Workload;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/config?pod=<name>[&version=<v>]}: the effective configuration of the caller's
 * pod. The caller is the workload in its client certificate; {@code pod} must be a pod of that
 * identity's namespace, running as its service account, with the proxy. Without
 * {@code version}, or with another version than the current one, it answers at once; with the
 * current one it holds the request until the configuration changes (200) or the poll timeout
 * passes (304). Everything it reads is in memory, so it runs on the event loop; a held request
 * is a future, not a thread.
 */
final class ConfigEndpoint implements RequestHandler {

  static final String PATH = "/v1/config";

  private static final Logger log = LoggerFactory.getLogger(ConfigEndpoint.class);

  private final ClusterView view;
  private final ConfigPublisher publisher;
  private final String trustDomain;
  private final ConfigMetrics metrics;
  private final HeldPolls held;

  ConfigEndpoint(ClusterView view, ConfigPublisher publisher, String trustDomain,
      ConfigMetrics metrics, LongPollLimits limits) {
    this.view = view;
    this.publisher = publisher;
    this.trustDomain = trustDomain;
    this.metrics = metrics;
    this.held = new HeldPolls(limits);
  }

  @Override
  public CompletionStage<Response> handle(Request request) {
    try {
      return serve(request);
    } catch (ConfigRefusal refusal) {
      return CompletableFuture.completedFuture(refuse(request, refusal));
    }
  }

  private CompletionStage<Response> serve(Request request) throws ConfigRefusal {
    if (!view.synced()) {
      throw new ConfigRefusal(ConfigOutcome.NOT_READY, "this replica has not loaded the"
          + " cluster's policies yet; retry shortly");
    }
    WorkloadIdentity caller = ClientIdentity.of(request, trustDomain, publisher.revocations());
    String podName = request.queryParameter("pod").filter(p -> !p.isEmpty())
        .orElseThrow(() -> new ConfigRefusal(ConfigOutcome.BAD_REQUEST,
            "name the caller's pod: /v1/config?pod=<pod name>"));
    Workload pod = view.pod(caller.namespace(), podName)
        .orElseThrow(() -> new ConfigRefusal(ConfigOutcome.POD_NOT_FOUND, "no pod " + podName
            + " in namespace " + caller.namespace() + " (if it was just created, retry)"));
    if (!Objects.equals(pod.serviceAccount(), caller.serviceAccount())) {
      throw new ConfigRefusal(ConfigOutcome.SERVICE_ACCOUNT_MISMATCH, "pod "
          + pod.key() + " does not run as " + caller + "; a workload may read only its own"
          + " configuration");
    }
    if (!pod.injected()) {
      throw new ConfigRefusal(ConfigOutcome.POD_NOT_INJECTED, "pod " + pod.key()
          + " has no Palisade proxy (label " + Workload.PROXY_LABEL + "="
          + Workload.PROXY_INJECTED + ")");
    }
    PublishedConfig current = publisher.current(pod)
        .orElseThrow(() -> new ConfigRefusal(ConfigOutcome.CA_UNAVAILABLE, "no trust bundle yet:"
            + " the trust domain " + trustDomain + " has no ready CA"));
    Optional<String> known = request.queryParameter("version");
    if (known.isEmpty() || !known.get().equals(current.version())) {
      return CompletableFuture.completedFuture(answer(current));
    }
    Runnable release = held.tryHold(caller.toString(), request.remoteAddress())
        .orElseThrow(() -> new ConfigRefusal(ConfigOutcome.TOO_MANY_POLLS, caller
            + " (or its address) holds its share of long-polls on this replica already; retry"
            + " later"));
    Optional<CompletableFuture<Optional<PublishedConfig>>> registered =
        publisher.awaitChange(pod.key(), current.version());
    if (registered.isEmpty()) {
      release.run();
      throw new ConfigRefusal(ConfigOutcome.OVERLOADED,
          "too many long-polls held on this replica; retry later");
    }
    var waiter = registered.get();
    waiter.whenComplete((result, failure) -> release.run());
    CompletableFuture<Response> response = waiter.thenApply(changed -> changed
        .map(this::answer)
        .orElseGet(() -> notModified(current.version())));
    // The dispatcher cancels the response when the client goes: forget the waiter then too.
    response.whenComplete((r, failure) -> {
      if (response.isCancelled()) {
        waiter.cancel(false);
      }
    });
    return response;
  }

  private Response answer(PublishedConfig published) {
    metrics.answered(ConfigMetrics.Endpoint.CONFIG, ConfigOutcome.OK);
    return new Response(200, Response.JSON, published.body(), Map.of(
        "ETag", "\"" + published.version() + "\"",
        "Cache-Control", "no-store"));
  }

  private Response notModified(String version) {
    metrics.answered(ConfigMetrics.Endpoint.CONFIG, ConfigOutcome.NOT_MODIFIED);
    return new Response(304, Response.JSON, new byte[0], Map.of(
        "ETag", "\"" + version + "\"",
        "Cache-Control", "no-store"));
  }

  private Response refuse(Request request, ConfigRefusal refusal) {
    return Refusals.answer(log, ConfigMetrics.Endpoint.CONFIG, metrics, request, refusal);
  }
}
