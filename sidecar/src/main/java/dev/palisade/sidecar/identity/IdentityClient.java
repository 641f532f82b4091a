package dev.palisade.sidecar.identity;

import dev.palisade.common.json.ErrorDocument;
import dev.palisade.common.json.JsonDocuments;
import dev.palisade.common.pki.Csrs;
import dev.palisade.common.pki.KeyType;
import dev.palisade.common.signing.CertificateRequest;
import dev.palisade.common.signing.CertificateResponse;
import dev.palisade.common.spiffe.SpiffeId;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * One certificate request to the operator's {@code POST /v1/certificates}: a fresh key pair
 * generated here (it never leaves this process), a CSR for it, and the projected ServiceAccount
 * token read from its file on every call (the kubelet rotates it). The operator's serving
 * certificate is trusted through the mesh's own trust bundle.
 */
public final class IdentityClient implements CertificateFetcher {

  /** Lenient: a newer operator may add fields. */
  private static final JsonDocuments JSON = JsonDocuments.lenient();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final URI endpoint;
  private final Path tokenFile;
  private final Supplier<List<X509Certificate>> trustedRoots;
  private final KeyType keyType;

  /**
   * @param endpoint e.g. {@code https://palisade-operator.palisade-system.svc:8443/v1/certificates}
   * @param tokenFile the projected token (audience {@code palisade})
   * @param trustedRoots roots to verify the operator by: the mounted bundle, plus the latest
   *     bundle received, so a root rotation never locks the sidecar out
   */
  public IdentityClient(URI endpoint, Path tokenFile, Supplier<List<X509Certificate>> trustedRoots,
      KeyType keyType) {
    this.endpoint = endpoint;
    this.tokenFile = tokenFile;
    this.trustedRoots = trustedRoots;
    this.keyType = keyType;
  }

  @Override
  public IssuedIdentity fetch() throws IdentityException {
    String token;
    try {
      token = Files.readString(tokenFile).strip();
    } catch (IOException e) {
      throw new IdentityException("token_unreadable", "cannot read the ServiceAccount token at "
          + tokenFile + ": " + e.getMessage(), null);
    }
    KeyPair keys = keyType.generate();
    String body = JSON.write(new CertificateRequest(Csrs.create(keys)));
    HttpResponse<String> response;
    try (HttpClient http = HttpClient.newBuilder().sslContext(sslContext())
        .connectTimeout(TIMEOUT).build()) {
      response = http.send(HttpRequest.newBuilder(endpoint)
          .timeout(TIMEOUT)
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body))
          .build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IdentityException("unreachable", "cannot reach " + endpoint + ": " + e, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IdentityException("interrupted", "interrupted", null);
    }
    if (response.statusCode() != 200) {
      throw rejected(response);
    }
    try {
      CertificateResponse answer = JSON.read(response.body(), CertificateResponse.class);
      List<X509Certificate> chain = answer.chain();
      if (!chain.getFirst().getPublicKey().equals(keys.getPublic())) {
        throw new IdentityException("bad_response", "the certificate is not for our key", null);
      }
      return new IssuedIdentity(SpiffeId.parse(answer.spiffeId()), chain, keys.getPrivate(),
          answer.bundle());
    } catch (RuntimeException e) {
      throw new IdentityException("bad_response", "unreadable response: " + e.getMessage(), null);
    }
  }

  private static IdentityException rejected(HttpResponse<String> response) {
    String reason = "http_" + response.statusCode();
    String message = response.body();
    try {
      ErrorDocument error = JSON.read(response.body(), ErrorDocument.class);
      if (error.message() != null) {
        message = error.message();
      }
    } catch (IllegalArgumentException e) {
      // not JSON: keep the raw body as the message
    }
    Duration retryAfter = response.headers().firstValue("Retry-After")
        .flatMap(IdentityClient::seconds).orElse(null);
    return new IdentityException(reason, "the CA refused: " + response.statusCode() + " "
        + message, retryAfter);
  }

  private static java.util.Optional<Duration> seconds(String value) {
    try {
      return java.util.Optional.of(Duration.ofSeconds(Long.parseLong(value.strip())));
    } catch (NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  private SSLContext sslContext() throws IdentityException {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (X509Certificate root : trustedRoots.get()) {
        store.setCertificateEntry("root-" + i++, root);
      }
      if (i == 0) {
        throw new IdentityException("no_trust_bundle", "no trust bundle to verify the CA with", null);
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
