package dev.palisade.sidecar.config;

import dev.palisade.common.json.JsonDocuments;
import dev.palisade.common.config.DestinationDocument;
import dev.palisade.sidecar.tls.TlsMaterial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DestinationLookup} against the operator's {@code GET /v1/destinations}, authenticated
 * by this sidecar's certificate, with the cache docs/config-service.md asks for: fresh answers
 * are served from memory, concurrent lookups of one destination share one request, and a failed
 * request falls back to the expired answer if there is one.
 */
public final class OperatorDestinations implements DestinationLookup {

  /** A workload talks to few destinations, whatever the cluster's size. */
  public static final int CAPACITY = 4096;

  private static final Logger LOG = LoggerFactory.getLogger(OperatorDestinations.class);
  private static final JsonDocuments JSON = JsonDocuments.lenient();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private final URI destinations;
  private final Supplier<Optional<TlsMaterial>> identity;
  private final Clock clock;
  private final DestinationCache cache = new DestinationCache(CAPACITY);
  private final ConcurrentHashMap<String, CompletableFuture<DestinationDocument>> inFlight =
      new ConcurrentHashMap<>();
  private Client client;

  /** One HTTP client per certificate: a renewed certificate needs new connections. */
  private record Client(TlsMaterial material, HttpClient http) {}

  /**
   * @param server e.g. {@code https://palisade-operator.palisade-system.svc}
   * @param identity the sidecar's current certificate, key and trust bundle, if it has one yet
   */
  public OperatorDestinations(URI server, Supplier<Optional<TlsMaterial>> identity, Clock clock) {
    this.destinations = server.resolve("/v1/destinations");
    this.identity = identity;
    this.clock = clock;
  }

  @Override
  public CompletableFuture<DestinationDocument> lookup(String ip, int port) {
    String key = DestinationCache.key(ip, port);
    Optional<DestinationCache.Entry> cached = cache.get(key);
    if (cached.isPresent() && cached.get().freshAt(clock.instant())) {
      return CompletableFuture.completedFuture(cached.get().answer());
    }
    CompletableFuture<DestinationDocument> answer = new CompletableFuture<>();
    CompletableFuture<DestinationDocument> asking = inFlight.putIfAbsent(key, answer);
    if (asking != null) {
      return asking; // one request per destination, however many connections wait for it
    }
    ask(ip, port).whenComplete((fresh, error) -> {
      inFlight.remove(key, answer);
      if (error == null) {
        answer.complete(cache.put(key, fresh, clock.instant()).answer());
        return;
      }
      Optional<DestinationCache.Entry> stale = cache.get(key);
      if (stale.isPresent()) {
        LOG.warn("cannot ask the operator about {} ({}); using the expired answer", key,
            rootCause(error));
        answer.complete(stale.get().answer());
      } else {
        answer.completeExceptionally(new IOException("cannot ask the operator about " + key
            + ": " + rootCause(error), error));
      }
    });
    return answer;
  }

  @Override
  public void stale(String ip, int port) {
    cache.remove(DestinationCache.key(ip, port));
  }

  private CompletableFuture<DestinationDocument> ask(String ip, int port) {
    Optional<TlsMaterial> material = identity.get();
    if (material.isEmpty()) {
      return CompletableFuture.failedFuture(new IOException("no certificate yet"));
    }
    URI uri = URI.create(destinations + "?ip=" + URLEncoder.encode(ip, StandardCharsets.UTF_8)
        + "&port=" + port);
    return client(material.get()).sendAsync(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
            .GET().build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(response -> {
          if (response.statusCode() != 200) {
            throw new UncheckedIOException(new IOException("the config service answered "
                + response.statusCode() + ": " + response.body()));
          }
          try {
            return JSON.read(response.body(), DestinationDocument.class);
          } catch (IllegalArgumentException e) {
            throw new UncheckedIOException(new IOException("unusable answer: " + e.getMessage(), e));
          }
        });
  }

  private synchronized HttpClient client(TlsMaterial material) {
    Client current = client;
    if (current == null || current.material() != material) {
      if (current != null) {
        current.http().shutdown(); // lets requests in flight finish; never blocks an event loop
      }
      current = new Client(material, HttpClient.newBuilder()
          .sslContext(OperatorTls.clientContext(material)).connectTimeout(REQUEST_TIMEOUT)
          .build());
      client = current;
    }
    return current.http();
  }

  private static String rootCause(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.toString();
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      client.http().shutdownNow();
    }
  }
}
