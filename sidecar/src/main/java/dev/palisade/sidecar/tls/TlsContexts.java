package dev.palisade.sidecar.tls;

import dev.palisade.common.pki.KeyPairs;
import dev.palisade.common.revocation.Revocations;
import dev.palisade.common.spiffe.SpiffeId;
import dev.palisade.sidecar.tls.PeerVerifier.PeerRole;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.X509Certificate;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;

/**
 * One version of the sidecar's TLS configuration: the server context for inbound mTLS and the
 * client context for outbound mTLS, both built from the same {@link TlsMaterial}. Immutable;
 * {@link TlsMaterialHolder} swaps whole instances.
 *
 * <p>The contexts are the finalizer-managed {@link SslProvider#OPENSSL} kind on purpose: every
 * engine retains its context, so connections opened before a swap keep theirs alive until they
 * close, and nothing has to count references by hand.
 */
public record TlsContexts(TlsMaterial material, SpiffeId identity, SslContext server,
    SslContext client, Executor verification) {

  /**
   * Sessions each context keeps, rather than Netty's 20,480: under connection churn a client
   * side is sent two TLS 1.3 tickets per connection, each holding the peer's chain, and would
   * keep them all. A few hundred still resume the connections to the upstreams a pod talks to
   * at once; past that a connection makes a full handshake.
   */
  static final int SESSION_CACHE_SIZE = 256;

  private static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(
      Protocol.ALPN,
      // Peers without ALPN (a job holding a WorkloadCertificate) are still served.
      SelectorFailureBehavior.NO_ADVERTISE,
      SelectedListenerFailureBehavior.ACCEPT,
      TlsSettings.ALPN_PROTOCOL);

  /**
   * Checks {@code material} the way a peer would check it, then builds both contexts, whose
   * peers are checked against the {@code revocations} in force at each handshake.
   *
   * <p>Our own certificate is checked without revocations: a new trust bundle rebuilds the
   * contexts around the certificate in force, revoked or not, and refusing would only hold the
   * bundle back; the renewal a revocation triggers replaces the certificate
   * ({@code ProxyRuntime#updateConfig}).
   *
   * @throws InvalidTlsMaterialException saying what is wrong; nothing is built
   */
  public static TlsContexts build(TlsMaterial material, TlsSettings settings,
      Supplier<Revocations> revocations) throws InvalidTlsMaterialException {
    BoringSsl.requireAvailable();
    X509Certificate leaf = material.leaf();
    if (!KeyPairs.matches(leaf.getPublicKey(), material.key())) {
      throw new InvalidTlsMaterialException("the private key is not the key of the certificate"
          + " for " + X509Svid.describe(leaf) + " (were tls.crt and tls.key written together?)");
    }
    PeerVerifier ownCheck = new PeerVerifier(material.trustBundle(), settings.trustDomain(),
        settings.clock());
    X509Certificate[] chain = material.chain().toArray(X509Certificate[]::new);
    SpiffeId identity;
    try {
      // Never serve a certificate our peers would refuse.
      identity = ownCheck.verify(chain, PeerRole.SERVER);
      ownCheck.verify(chain, PeerRole.CLIENT);
    } catch (PeerRejectedException e) {
      throw new InvalidTlsMaterialException("peers would refuse this certificate ("
          + e.reason().label() + "): " + e.getMessage(), e);
    }
    PeerVerifier verifier = new PeerVerifier(material.trustBundle(), settings.trustDomain(),
        settings.clock(), revocations);
    try {
      KeyManagerFactory keys = SingleKeyManagerFactory.of(material.key(), material.chain());
      SslContext server = SslContextBuilder.forServer(keys)
          .sslProvider(SslProvider.OPENSSL)
          .protocols(settings.protocols())
          .clientAuth(ClientAuth.REQUIRE)
          .trustManager(new SpiffeTrustManager(verifier))
          // An unauthenticated client's certificate message, bounded before we look at it.
          .option(OpenSslContextOption.MAX_CERTIFICATE_LIST_BYTES,
              PeerVerifier.MAX_CERTIFICATE_LIST_BYTES)
          // The peer's chain is verified as a delegated task, on settings.verification().
          .option(OpenSslContextOption.USE_TASKS, true)
          .option(OpenSslContextOption.GROUPS,
              settings.groups().toArray(String[]::new))
          .applicationProtocolConfig(ALPN)
          .sessionTimeout(settings.sessionTimeout().toSeconds())
          .sessionCacheSize(SESSION_CACHE_SIZE)
          .build();
      SslContext client = SslContextBuilder.forClient()
          .sslProvider(SslProvider.OPENSSL)
          .keyManager(keys)
          .protocols(settings.protocols())
          .trustManager(new SpiffeTrustManager(verifier))
          .option(OpenSslContextOption.MAX_CERTIFICATE_LIST_BYTES,
              PeerVerifier.MAX_CERTIFICATE_LIST_BYTES)
          .option(OpenSslContextOption.USE_TASKS, true)
          .option(OpenSslContextOption.GROUPS,
              settings.groups().toArray(String[]::new))
          // Peers are identified by SPIFFE ID, checked after the handshake; never by hostname.
          .endpointIdentificationAlgorithm(null)
          .applicationProtocolConfig(ALPN)
          .sessionTimeout(settings.sessionTimeout().toSeconds())
          .sessionCacheSize(SESSION_CACHE_SIZE)
          .build();
      if (!settings.outboundResumption()) {
        // Our client keeps no sessions, so it never offers one: every handshake a full one.
        ((OpenSslSessionContext) client.sessionContext()).setSessionCacheEnabled(false);
      }
      return new TlsContexts(material, identity, server, client, settings.verification());
    } catch (SSLException | RuntimeException e) {
      throw new InvalidTlsMaterialException("BoringSSL refused the material: " + e.getMessage(), e);
    }
  }

  /** The handler for an inbound connection; the peer's chain is verified off the event loop. */
  public SslHandler serverHandler(ByteBufAllocator alloc) {
    return server.newHandler(alloc, verification);
  }

  /** The handler for an outbound connection to {@code host:port}. */
  public SslHandler clientHandler(ByteBufAllocator alloc, String host, int port) {
    return client.newHandler(alloc, host, port, verification);
  }
}
