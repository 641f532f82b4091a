package dev.palisade.operator.injection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.operator.http.BoundedWorkers;
import dev.palisade.operator.http.Request;
import dev.palisade.operator.http.RequestHandler;
import dev.palisade.operator.http.Response;
import dev.palisade.operator.injection.AdmissionReviews.MalformedReviewException;
import dev.palisade.operator.injection.AdmissionReviews.PodRequest;
import dev.palisade.operator.injection.InjectionDecision.Inject;
import dev.palisade.operator.injection.InjectionDecision.Refuse;
import dev.palisade.operator.injection.InjectionDecision.Skip;
import dev.palisade.operator.kube.EventRecorder;
import dev.palisade.operator.limits.AdmissionEventBudget;
import dev.palisade.operator.metrics.WebhookMetrics;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /mutate-pods}: the injection webhook. Reads the AdmissionReview, asks the
 * {@link PodInjector} what the pod should be, and answers the difference as a JSONPatch (empty
 * when there is none), a warning when a pod that asked for a proxy cannot have one, or a denial
 * when the pod's annotations are wrong. Every replica serves it; it needs no leadership.
 *
 * <p>Work runs on a small bounded pool, never on the event loop (a namespace missing from the
 * cache is read from the API). When the pool is full the answer is 429 at once and the API
 * server applies the webhook's failurePolicy, rather than waiting out its timeout.
 */
public final class PodInjectionWebhook implements RequestHandler, AutoCloseable {

  /**
   * Before 0.2 both webhooks called this; the namespace's label is then read from a cache that
   * may lag behind a label just set. Kept for configurations of older charts.
   */
  public static final String PATH = "/mutate-pods";
  /**
   * The webhooks of the current chart each call a path of their own, so the webhook knows the
   * namespace's label from the namespaceSelector the API server matched, never from a cache.
   */
  public static final String ENABLED_PATH = PATH + "/" + InjectionContract.ENABLED;
  public static final String ENFORCED_PATH = PATH + "/" + InjectionContract.ENFORCED;
  /** The opt-in webhook: its selector leaves out namespaces labelled enabled or enforced. */
  public static final String ANNOTATED_PATH = PATH + "/annotated";
  public static final List<String> PATHS = List.of(PATH, ENABLED_PATH, ENFORCED_PATH,
      ANNOTATED_PATH);
  /** The {@code webhook} label of this webhook's metrics. */
  public static final String METRICS_NAME = "inject";

  private static final Logger log = LoggerFactory.getLogger(PodInjectionWebhook.class);

  /** How a review ended: the {@code result} label of {@code palisade_webhook_requests_total}. */
  public enum Result {
    /** The pod gets the proxy (a non-empty patch). */
    INJECTED,
    /** The pod already has the proxy exactly as it would get it (an empty patch). */
    UNCHANGED,
    /** Not opted in, opted out, or not a pod creation: allowed untouched. */
    SKIPPED,
    /** Opted in but impossible (hostNetwork, ...): allowed untouched, with a warning and Event. */
    NOT_INJECTABLE,
    /** Denied: malformed annotations, or an explicit opt-in that cannot be honoured. */
    REFUSED,
    /** Not an AdmissionReview v1: 400. */
    MALFORMED,
    /** Too many reviews in flight: 429. */
    OVERLOADED,
    /** A bug: 500. */
    ERROR;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Where news of pods that get no proxy goes (an Event); never blocks the answer. */
  @FunctionalInterface
  interface NotInjectedListener {
    void notInjected(Pod pod, String namespace, String message);
  }

  private final PodInjector injector;
  private final Function<String, Map<String, String>> namespaceLabels;
  private final NotInjectedListener listener;
  private final BoundedWorkers workers;
  private final WebhookMetrics metrics;
  private final Runnable release;

  PodInjectionWebhook(PodInjector injector, Function<String, Map<String, String>> namespaceLabels,
      NotInjectedListener listener, BoundedWorkers workers, MeterRegistry registry,
      Runnable release) {
    this.injector = injector;
    this.namespaceLabels = namespaceLabels;
    this.listener = listener;
    this.workers = workers;
    this.metrics = new WebhookMetrics(registry, METRICS_NAME,
        Arrays.stream(Result.values()).map(Result::label).toList());
    this.release = release;
  }

  /**
   * The webhook as deployed: namespaces watched and Events written through {@code client} (the
   * operator's ServiceAccount). Close it to stop its informer and threads.
   */
  public static PodInjectionWebhook forCluster(KubernetesClient client, InjectionSettings settings,
      MeterRegistry registry, Clock clock) {
    NamespaceLabels namespaces = NamespaceLabels.watching(client);
    BoundedWorkers workers = new BoundedWorkers("admission", 2, 64);
    InjectionEvents events = new InjectionEvents(new EventRecorder(client, clock));
    AdmissionEventBudget eventBudget = new AdmissionEventBudget(clock);
    // Events are best effort: a few queued, the rest dropped, never delaying an admission.
    ExecutorService eventWriter = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(100), Thread.ofPlatform().name("injection-events").daemon()
        .factory(), new ThreadPoolExecutor.DiscardPolicy());
    return new PodInjectionWebhook(new PodInjector(settings), namespaces::of,
        (pod, namespace, message) -> {
          if (eventBudget.allow(namespace)) { // forged reviews: limited and sanitised
            eventWriter.execute(() -> events.notInjected(pod, namespace,
                AdmissionEventBudget.sanitise(message)));
          }
        },
        workers, registry, () -> {
          namespaces.close();
          workers.close();
          eventWriter.shutdown();
        });
  }

  /**
   * The webhook without a cluster, for the AOT training run ({@code AotTraining}): namespaces
   * have no labels beyond what the path says, and nothing is recorded as an Event.
   */
  public static PodInjectionWebhook offline(InjectionSettings settings, MeterRegistry registry) {
    BoundedWorkers workers = new BoundedWorkers("admission", 1, 8);
    return new PodInjectionWebhook(new PodInjector(settings), namespace -> Map.of(),
        (pod, namespace, message) -> { }, workers, registry, workers::close);
  }

  /**
   * Runs {@code reviews} synthetic pod creations through the review's whole path (parse, decide,
   * patch, answer) on the calling thread, unrecorded, so that the JIT compiles it before the
   * first real burst: cold, a review costs about 2.4 ms of CPU against 0.9 ms warm, and the
   * first 1,000-pod burst after a start missed the 50 ms p99 (docs/benchmarks.md, "Scale").
   *
   * @return how long it took
   */
  public Duration warmUp(int reviews) {
    long started = System.nanoTime();
    Map<String, String> enabled = namespaceLabelsFor(ENABLED_PATH, "demo");
    for (int i = 0; i < reviews; i++) {
      try {
        PodRequest review = AdmissionReviews.parse(WarmUpReviews.reviewBytes(i));
        if (injector.decide(review.pod(), enabled) instanceof Inject inject) {
          answer(AdmissionReviews.allow(review.uid(),
              AdmissionReviews.patch(review.pod(), inject.pod()), List.of()));
        }
      } catch (MalformedReviewException e) {
        throw new IllegalStateException("the warm-up review is malformed", e);
      }
    }
    return Duration.ofNanos(System.nanoTime() - started);
  }

  @Override
  public CompletionStage<Response> handle(Request request) {
    long arrived = System.nanoTime();
    Optional<CompletableFuture<Response>> admitted =
        workers.trySubmit(() -> review(request, arrived));
    if (admitted.isEmpty()) {
      metrics.answered(Result.OVERLOADED.label());
      return CompletableFuture.completedFuture(Response.error(429, "overloaded",
          "too many admission reviews in flight; the API server applies the failurePolicy"));
    }
    return admitted.get();
  }

  /** Runs on a worker. */
  private Response review(Request request, long arrived) {
    Result result = Result.ERROR;
    try {
      PodRequest review = AdmissionReviews.parse(request.body());
      if (review.pod() == null || !"CREATE".equals(review.operation())) {
        result = Result.SKIPPED;
        return answer(AdmissionReviews.allow(review.uid(), null, List.of()));
      }
      InjectionDecision decision =
          injector.decide(review.pod(), namespaceLabelsFor(request.path(), review.namespace()));
      return switch (decision) {
        case Inject inject -> {
          JsonNode patch = AdmissionReviews.patch(review.pod(), inject.pod());
          result = patch.isEmpty() ? Result.UNCHANGED : Result.INJECTED;
          log.debug("{} {}: {}", result.label(), describe(review), patch);
          yield answer(AdmissionReviews.allow(review.uid(), patch, List.of()));
        }
        case Skip skip when skip.reason().notable() -> {
          result = Result.NOT_INJECTABLE;
          log.info("not injecting {}: {}", describe(review), skip.message());
          if (!review.dryRun()) {
            listener.notInjected(review.pod(), review.namespace(), skip.message());
          }
          yield answer(AdmissionReviews.allow(review.uid(), null,
              List.of("palisade: no proxy injected: " + skip.message())));
        }
        case Skip _ -> {
          result = Result.SKIPPED;
          yield answer(AdmissionReviews.allow(review.uid(), null, List.of()));
        }
        case Refuse refuse -> {
          result = Result.REFUSED;
          log.info("refusing {}: {}", describe(review), refuse.message());
          yield answer(AdmissionReviews.deny(review.uid(), 400, "BadRequest", refuse.message()));
        }
      };
    } catch (MalformedReviewException e) {
      result = Result.MALFORMED;
      return Response.error(400, "malformed_review", e.getMessage());
    } catch (RuntimeException e) {
      log.error("admission review failed", e);
      return Response.error(500, "internal_error", "the webhook failed; see the operator's log");
    } finally {
      metrics.answered(result.label());
      metrics.duration().record(System.nanoTime() - arrived, TimeUnit.NANOSECONDS);
    }
  }

  /** What the API server's match says of the namespace, or (legacy path) the cache. */
  private Map<String, String> namespaceLabelsFor(String path, String namespace) {
    return switch (path) {
      case ENABLED_PATH -> Map.of(InjectionContract.NAMESPACE_LABEL, InjectionContract.ENABLED);
      case ENFORCED_PATH -> Map.of(InjectionContract.NAMESPACE_LABEL, InjectionContract.ENFORCED);
      case ANNOTATED_PATH -> Map.of();
      default -> namespaceLabels.apply(namespace);
    };
  }

  private static Response answer(Object review) {
    return Response.json(200, review);
  }

  private static String describe(PodRequest review) {
    var metadata = review.pod().getMetadata();
    String name = metadata.getName() != null && !metadata.getName().isEmpty()
        ? metadata.getName() : metadata.getGenerateName() + "*";
    return "pod " + review.namespace() + "/" + name;
  }

  /** Stops what {@link #forCluster} started: the namespace informer and the threads. */
  @Override
  public void close() {
    release.run();
  }
}
