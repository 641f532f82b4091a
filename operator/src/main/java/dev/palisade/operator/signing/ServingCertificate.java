package dev.palisade.operator.signing;

import dev.palisade.common.pki.KeyType;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.common.time.Renewal;
import dev.palisade.operator.ca.CaUnavailableException;
import dev.palisade.operator.ca.CertificateAuthority;
import dev.palisade.operator.ca.SignedCertificate;
import dev.palisade.operator.metrics.CaMetrics;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's own serving certificate for its HTTPS endpoints, issued by the same CA as the
 * workloads' so sidecars and the API server verify it with the trust bundle. The key is made in
 * memory and never stored; the certificate is re-issued at half-life, and after a failure retried
 * with backoff while the last good one keeps serving. As a {@code Supplier<SslContext>} it gives
 * every new connection the current certificate.
 *
 * <p>Clients may authenticate with a workload certificate: the server asks for one (optionally)
 * and verifies it against the trust domain's current roots. Endpoints decide what a missing
 * certificate means: {@code /v1/certificates} needs none (a sidecar has none before it calls),
 * {@code /v1/config} requires one. A certificate that does not verify fails the handshake.
 */
public final class ServingCertificate implements Supplier<SslContext>, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ServingCertificate.class);

  /** Never re-issue more often than this, whatever lifetime the CA grants. */
  static final Duration MIN_RENEWAL_DELAY = Duration.ofSeconds(10);
  static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(1);

  private record Current(SslContext context, X509Certificate leaf) {}

  private final CertificateAuthority ca;
  private final String namespace;
  private final String serviceAccount;
  private final List<String> dnsNames;
  private final CaMetrics metrics;
  private final Clock clock;
  private final ClientCertificateTrust clientTrust;
  private final AtomicReference<Current> current = new AtomicReference<>();
  private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("palisade-serving-certificate").daemon(true).factory());
  private int failures; // touched by the renewal thread only

  /**
   * A certificate for {@code spiffe://<td>/ns/<namespace>/sa/<serviceAccount>} (the operator's
   * own identity) and {@code dnsNames} (what clients dial, e.g. the Service's names).
   */
  public ServingCertificate(CertificateAuthority ca, String namespace, String serviceAccount,
      List<String> dnsNames, CaMetrics metrics, Clock clock) {
    this.ca = ca;
    this.namespace = namespace;
    this.serviceAccount = serviceAccount;
    this.dnsNames = List.copyOf(dnsNames);
    this.metrics = metrics;
    this.clock = clock;
    this.clientTrust = new ClientCertificateTrust(ca);
    metrics.declareResults(CaMetrics.Kind.SERVER, List.of(SigningOutcome.SUCCESS.label(),
        SigningOutcome.CA_UNAVAILABLE.label(), SigningOutcome.INTERNAL_ERROR.label()));
  }

  /** Issues the first certificate in the background, then keeps it renewed. */
  public ServingCertificate start() {
    renewals.execute(this::renewAndReschedule);
    return this;
  }

  /** The current context; throws until the first certificate is issued (see {@link #isReady}). */
  @Override
  public SslContext get() {
    Current now = current.get();
    if (now == null) {
      throw new IllegalStateException("no serving certificate yet: the CA has not issued one");
    }
    return now.context();
  }

  /** Whether there is a certificate to serve: a readiness check. */
  public boolean isReady() {
    return current.get() != null;
  }

  /**
   * Issues a fresh key and certificate now; new connections get them from then on, open ones keep
   * theirs. Returns the new leaf.
   */
  public X509Certificate rotate() throws CaUnavailableException {
    try {
      KeyPair keys = KeyType.ECDSA_P256.generate();
      SignedCertificate signed = ca.signServer(keys.getPublic(),
          new WorkloadIdentity(ca.trustDomain(), namespace, serviceAccount), dnsNames);
      SslContext context = SslContextBuilder
          .forServer(keys.getPrivate(), signed.chain().toArray(X509Certificate[]::new))
          .sslProvider(SslProvider.JDK) // BoringSSL is the sidecar's; the JDK's is enough here
          .protocols("TLSv1.3")
          .clientAuth(ClientAuth.OPTIONAL)
          .trustManager(clientTrust)
          .build();
      current.set(new Current(context, signed.leaf()));
      metrics.issued(CaMetrics.Kind.SERVER, SigningOutcome.SUCCESS.label());
      return signed.leaf();
    } catch (CaUnavailableException e) {
      metrics.issued(CaMetrics.Kind.SERVER, SigningOutcome.CA_UNAVAILABLE.label());
      throw e;
    } catch (SSLException | RuntimeException e) {
      metrics.issued(CaMetrics.Kind.SERVER, SigningOutcome.INTERNAL_ERROR.label());
      throw new IllegalStateException("cannot build the serving TLS context: " + e.getMessage(), e);
    }
  }

  private void renewAndReschedule() {
    Duration next;
    try {
      X509Certificate leaf = rotate();
      failures = 0;
      next = renewalDelay(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(),
          clock.instant());
      log.info("serving certificate issued, valid until {}; next renewal in {}",
          leaf.getNotAfter().toInstant(), next);
    } catch (CaUnavailableException | RuntimeException e) {
      next = retryDelay(++failures);
      log.warn("cannot issue the serving certificate (attempt {}), retrying in {}: {}", failures,
          next, e.getMessage());
    }
    if (!renewals.isShutdown()) {
      renewals.schedule(this::renewAndReschedule, next.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Until half-life (see {@link Renewal}), but at least {@link #MIN_RENEWAL_DELAY}. */
  static Duration renewalDelay(Instant notBefore, Instant notAfter, Instant now) {
    Duration delay = Duration.between(now, Renewal.renewalTime(notBefore, notAfter, null));
    return delay.compareTo(MIN_RENEWAL_DELAY) < 0 ? MIN_RENEWAL_DELAY : delay;
  }

  /** 1 s, 2 s, 4 s, ... up to {@link #MAX_RETRY_DELAY}. */
  static Duration retryDelay(int failures) {
    Duration delay = Duration.ofSeconds(1L << Math.min(failures - 1, 16));
    return delay.compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : delay;
  }

  @Override
  public void close() {
    renewals.shutdownNow();
  }
}
