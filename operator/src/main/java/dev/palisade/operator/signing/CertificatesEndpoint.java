package dev.palisade.operator.signing;

import dev.palisade.common.signing.CertificateRequest;
import dev.palisade.common.signing.CertificateResponse;
import dev.palisade.common.pki.CsrRejectedException;
import dev.palisade.common.pki.CsrVerifier;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.operator.ca.CaUnavailableException;
import dev.palisade.operator.ca.CertificateAuthority;
import dev.palisade.operator.ca.SignedCertificate;
import dev.palisade.operator.http.BoundedWorkers;
import dev.palisade.operator.http.Json;
import dev.palisade.operator.http.Request;
import dev.palisade.operator.http.RequestHandler;
import dev.palisade.operator.http.Response;
import dev.palisade.operator.metrics.CaMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/certificates}: a pod's sidecar sends a CSR with its projected service account
 * token and gets a certificate for {@code spiffe://<td>/ns/<namespace>/sa/<service account>}.
 *
 * <p>Checks, cheapest and least trusting first: a bearer token is present (on the event loop);
 * admission (429 when too much is in flight); then on a worker: TokenReview, the bound pod, the
 * identity not suspended, the body and its CSR, and signing. Every request ends in exactly one {@link SigningOutcome}, which
 * is counted, answered and logged with the caller's identity at most: never a token, key or CSR.
 */
public final class CertificatesEndpoint implements RequestHandler {

  public static final String PATH = CertificateRequest.PATH;

  private static final Logger log = LoggerFactory.getLogger(CertificatesEndpoint.class);

  private final CertificateAuthority ca;
  private final CallerAuthenticator authenticator;
  private final PodBindingCheck pods;
  private final SuspendedIdentities suspended;
  private final BoundedWorkers workers;
  private final CaMetrics metrics;

  public CertificatesEndpoint(CertificateAuthority ca, CallerAuthenticator authenticator,
      PodBindingCheck pods, SuspendedIdentities suspended, BoundedWorkers workers,
      CaMetrics metrics) {
    this.ca = ca;
    this.authenticator = authenticator;
    this.pods = pods;
    this.suspended = suspended;
    this.workers = workers;
    this.metrics = metrics;
    metrics.declareResults(CaMetrics.Kind.WORKLOAD,
        Arrays.stream(SigningOutcome.values()).map(SigningOutcome::label).toList());
  }

  /** The endpoint as deployed: tokens reviewed and pods read through {@code client}. */
  public static CertificatesEndpoint forCluster(KubernetesClient client, CertificateAuthority ca,
      SuspendedIdentities suspended, BoundedWorkers workers, CaMetrics metrics) {
    return new CertificatesEndpoint(ca, new TokenReviewAuthenticator(client),
        new PodBindingCheck(client), suspended, workers, metrics);
  }

  @Override
  public CompletionStage<Response> handle(Request request) {
    long arrived = System.nanoTime();
    Optional<String> token = BearerToken.from(request.header("Authorization"));
    if (token.isEmpty()) {
      return CompletableFuture.completedFuture(refuse(request, null, new SigningRejection(
          SigningOutcome.MISSING_TOKEN, "send the pod's projected service account token (audience "
              + TokenReviewAuthenticator.AUDIENCE + ") as Authorization: Bearer <token>")));
    }
    Optional<CompletableFuture<Response>> admitted =
        workers.trySubmit(() -> sign(request, token.get(), arrived));
    if (admitted.isEmpty()) {
      return CompletableFuture.completedFuture(refuse(request, null, new SigningRejection(
          SigningOutcome.OVERLOADED, "too many signing requests in flight; retry later")));
    }
    return admitted.get();
  }

  @Override
  public Response bodyTooLarge(Request request, int maxBodyBytes) {
    return refuse(request, null, new SigningRejection(SigningOutcome.BODY_TOO_LARGE,
        "the request body is larger than " + maxBodyBytes + " bytes"));
  }

  /** Runs on a worker: may block on the Kubernetes API. */
  private Response sign(Request request, String token, long arrived) {
    Caller caller = null;
    try {
      caller = authenticator.authenticate(token);
      pods.verify(caller);
      PublicKey key = publicKeyOf(request.body());
      WorkloadIdentity identity = caller.identity(ca.trustDomain());
      Optional<String> suspension = suspended.suspendedBy(identity.toSpiffeId());
      if (suspension.isPresent()) {
        throw new SigningRejection(SigningOutcome.IDENTITY_SUSPENDED, identity
            + " is suspended by IdentitySuspension " + suspension.get() + "; a mesh"
            + " administrator lifts it by deleting that object");
      }
      SignedCertificate signed = ca.signWorkload(key, identity);
      metrics.issued(CaMetrics.Kind.WORKLOAD, SigningOutcome.SUCCESS.label());
      log.debug("signed {} for {}", identity, caller);
      return Response.json(200, CertificateResponse.of(signed.chain(), signed.trustBundle(),
          identity.toString()));
    } catch (SigningRejection rejection) {
      return refuse(request, caller, rejection);
    } catch (CaUnavailableException e) {
      return refuse(request, caller,
          new SigningRejection(SigningOutcome.CA_UNAVAILABLE, e.getMessage()));
    } catch (RuntimeException e) {
      log.error("signing for {} failed", caller, e);
      return refuse(request, caller, new SigningRejection(SigningOutcome.INTERNAL_ERROR,
          "the operator failed to sign; retry later"));
    } finally {
      metrics.signingDuration().record(System.nanoTime() - arrived, TimeUnit.NANOSECONDS);
    }
  }

  private static PublicKey publicKeyOf(byte[] body) throws SigningRejection {
    CertificateRequest parsed;
    try {
      parsed = Json.MAPPER.readValue(body, CertificateRequest.class);
    } catch (IOException e) {
      parsed = null; // Jackson's message may quote the body: never pass it on
    }
    if (parsed == null) {
      throw new SigningRejection(SigningOutcome.MALFORMED_REQUEST,
          "the body must be JSON: {\"csr\": \"<PEM certificate signing request>\"}");
    }
    try {
      return CsrVerifier.verify(parsed.csr());
    } catch (CsrRejectedException e) {
      throw new SigningRejection(SigningOutcome.of(e.reason()), e.getMessage());
    }
  }

  private Response refuse(Request request, Caller caller, SigningRejection rejection) {
    SigningOutcome outcome = rejection.outcome();
    metrics.issued(CaMetrics.Kind.WORKLOAD, outcome.label());
    Object who = caller != null ? caller : request.remoteAddress();
    if (outcome == SigningOutcome.OVERLOADED) {
      log.debug("refused a certificate to {}: {}", who, outcome.label());
    } else {
      log.info("refused a certificate to {}: {}: {}", who, outcome.label(), rejection.getMessage());
    }
    Response response = Response.error(outcome.status(), outcome.label(), rejection.getMessage());
    if (outcome.retryAfterSeconds() > 0) {
      response = response.withHeader("Retry-After", String.valueOf(outcome.retryAfterSeconds()));
    }
    if (outcome.status() == 401) {
      // RFC 6750: no error code when the request carried no token at all.
      response = response.withHeader("WWW-Authenticate", outcome == SigningOutcome.MISSING_TOKEN
          ? "Bearer realm=\"palisade\"" : "Bearer realm=\"palisade\", error=\"invalid_token\"");
    }
    return response;
  }
}
