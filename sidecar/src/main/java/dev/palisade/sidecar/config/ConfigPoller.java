package dev.palisade.sidecar.config;

import dev.palisade.common.config.ConfigDocument;
import dev.palisade.common.json.ErrorDocument;
import dev.palisade.common.json.JsonDocuments;
import dev.palisade.common.pki.Pem;
import dev.palisade.common.pki.SerialNumbers;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.time.Backoff;
import dev.palisade.sidecar.tls.TlsMaterial;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long-polls the operator's {@code GET /v1/config} with this sidecar's own certificate and hands
 * every new configuration to {@code apply}. When the operator is unreachable or refuses, the
 * configuration in force stays in force (nothing is applied) and the loop retries with backoff:
 * the contract of docs/config-service.md.
 */
public final class ConfigPoller implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigPoller.class);
  /** Lenient: a newer operator may add fields; values are checked, errors name their path. */
  private static final JsonDocuments JSON = JsonDocuments.lenient();
  private static final Duration DEFAULT_POLL = Duration.ofSeconds(30);

  private final URI configUri;
  private final Supplier<Optional<TlsMaterial>> identity;
  private final Consumer<Update> apply;
  private final Backoff backoff;
  private final Consumer<String> certificateRevoked;
  /** The serial the config service last refused as revoked, so renewal is asked once. */
  private BigInteger refusedSerial;
  private final SplittableRandom random = new SplittableRandom();
  private volatile boolean closed;
  private volatile int consecutiveFailures;
  private Thread loop;

  /**
   * A configuration as delivered: the policy to enforce and the trust bundle to verify peers
   * with (it changes during a root rotation, before any certificate does).
   */
  public record Update(SidecarConfig config, List<X509Certificate> trustBundle) {
    public Update {
      trustBundle = List.copyOf(trustBundle);
    }

    static Update of(ConfigDocument document) {
      String bundle = document.trustBundle();
      return new Update(document.toSidecarConfig(),
          bundle == null || bundle.isBlank() ? List.of() : Pem.parseCertificates(bundle));
    }
  }

  /**
   * @param server e.g. {@code https://palisade-operator.palisade-system.svc}
   * @param identity the sidecar's current certificate, key and trust bundle, if it has one yet
   */
  public ConfigPoller(URI server, String podName, Supplier<Optional<TlsMaterial>> identity,
      Consumer<Update> apply, Backoff backoff) {
    this(server, podName, identity, apply, backoff, why -> { });
  }

  /**
   * @param certificateRevoked told (once per certificate) when the config service refuses this
   *     sidecar's certificate as revoked: a revocation made while this sidecar could not hear of
   *     it, which it must renew to be served again
   */
  public ConfigPoller(URI server, String podName, Supplier<Optional<TlsMaterial>> identity,
      Consumer<Update> apply, Backoff backoff, Consumer<String> certificateRevoked) {
    this.certificateRevoked = certificateRevoked;
    this.configUri = server.resolve("/v1/config?pod="
        + URLEncoder.encode(podName, StandardCharsets.UTF_8));
    this.identity = identity;
    this.apply = apply;
    this.backoff = backoff;
  }

  public ConfigPoller start() {
    loop = Thread.ofVirtual().name("config-poller").start(this::run);
    return this;
  }

  private void run() {
    String version = null;
    Duration poll = DEFAULT_POLL;
    int failures = 0;
    while (!closed) {
      Duration retryIn = null;
      try {
        Optional<TlsMaterial> material = identity.get();
        if (material.isEmpty()) {
          retryIn = backoff.delay(failures++, random); // no certificate yet: nothing to show
        } else {
          HttpResponse<String> answer = get(material.get(), version, poll);
          if (answer.statusCode() == 200) {
            ConfigDocument document = JSON.read(answer.body(), ConfigDocument.class);
            if (!document.version().equals(version)) {
              apply.accept(Update.of(document));
              version = document.version();
            }
            poll = Duration.ofSeconds(Math.max(1, document.pollTimeoutSeconds()));
            failures = 0;
          } else if (answer.statusCode() != 304) {
            renewIfRevoked(answer, material.get());
            LOG.warn("the config service answered {}: {}; keeping config {}", answer.statusCode(),
                answer.body(), version);
            retryIn = answer.headers().firstValue("Retry-After").map(ConfigPoller::seconds)
                .orElseGet(() -> backoff.delay(0, random));
            failures++;
          }
        }
      } catch (IllegalArgumentException e) {
        LOG.warn("the config service sent an unusable configuration ({}); keeping config {}",
            e.getMessage(), version);
        retryIn = backoff.delay(failures++, random);
      } catch (IOException | RuntimeException e) {
        LOG.warn("the config service is unreachable ({}); keeping config {}", e.toString(), version);
        retryIn = backoff.delay(failures++, random);
      } catch (InterruptedException e) {
        return;
      }
      consecutiveFailures = failures;
      if (retryIn != null && !closed) {
        try {
          Thread.sleep(retryIn); // backoff between attempts, not synchronisation
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void renewIfRevoked(HttpResponse<String> answer, TlsMaterial material) {
    BigInteger serial = material.leaf().getSerialNumber();
    if (answer.statusCode() == 403 && "revoked".equals(errorOf(answer.body()))
        && !serial.equals(refusedSerial)) {
      refusedSerial = serial;
      certificateRevoked.accept("the config service refused this proxy's certificate (serial "
          + SerialNumbers.format(serial) + ") as revoked");
    }
  }

  /** The {@code error} of a refusal's {@link ErrorDocument}, or null if the body is not one. */
  private static String errorOf(String body) {
    try {
      return JSON.read(body, ErrorDocument.class).error();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Failed attempts since the last answer, for readiness and tests. */
  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  private HttpResponse<String> get(TlsMaterial material, String version, Duration poll)
      throws IOException, InterruptedException {
    URI uri = version == null ? configUri : URI.create(configUri + "&version=" + version);
    try (HttpClient http = HttpClient.newBuilder().sslContext(OperatorTls.clientContext(material))
        .connectTimeout(Duration.ofSeconds(10)).build()) {
      return http.send(HttpRequest.newBuilder(uri).timeout(poll.plusSeconds(15)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private static Duration seconds(String value) {
    try {
      return Duration.ofSeconds(Long.parseLong(value.strip()));
    } catch (NumberFormatException e) {
      return Duration.ofSeconds(1);
    }
  }

  @Override
  public void close() {
    closed = true;
    if (loop != null) {
      loop.interrupt();
    }
  }
}
