package dev.palisade.sidecar.identity;

import dev.palisade.common.time.Backoff;
import dev.palisade.sidecar.tls.CertificateSource;
import dev.palisade.sidecar.tls.InvalidTlsMaterialException;
import dev.palisade.sidecar.tls.TlsMaterial;
import dev.palisade.sidecar.tls.TlsMaterialSink;
import java.time.Clock;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Certificates from the operator's CA, kept fresh by an {@link IdentityRenewer}: each identity it
 * obtains is published to the proxy's TLS holder, which swaps it in for new connections.
 */
public final class CaCertificateSource implements CertificateSource {

  private static final Logger LOG = LoggerFactory.getLogger(CaCertificateSource.class);
  private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));

  private final CertificateFetcher fetcher;
  private final IdentityRenewer.Listener listener;
  private volatile IdentityRenewer renewer;

  public CaCertificateSource(CertificateFetcher fetcher, IdentityRenewer.Listener listener) {
    this.fetcher = fetcher;
    this.listener = listener;
  }

  @Override
  public void start(TlsMaterialSink sink) {
    renewer = new IdentityRenewer(fetcher, identity -> publish(sink, identity),
        new IdentityRenewer.Listener() {
          @Override
          public void renewed(IssuedIdentity identity) {
            listener.renewed(identity);
          }

          @Override
          public void failed(IdentityException error, Duration retryIn) {
            sink.sourceFailed(); // counted as a failed renewal; the old certificate serves on
            listener.failed(error, retryIn);
          }
        },
        Clock.systemUTC(), new SplittableRandom(), BACKOFF,
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("identity-renewal").daemon().factory()));
    renewer.start();
  }

  /** A new key and certificate from the CA now; the scheduled renewal is replaced. */
  @Override
  public void renewNow(String why) {
    if (renewer == null) {
      return; // not started: the first certificate is requested at start anyway
    }
    LOG.warn("{}: requesting a new certificate with a new key now", why);
    renewer.renewNow();
  }

  private static void publish(TlsMaterialSink sink, IssuedIdentity identity) {
    try {
      sink.publish(new TlsMaterial(identity.chain(), identity.key(), identity.trustBundle()));
    } catch (InvalidTlsMaterialException e) {
      // The holder keeps the last good material; the next renewal tries again.
      LOG.error("the CA's certificate for {} is unusable: {}", identity.spiffeId(), e.getMessage());
    }
  }

  @Override
  public void close() {
    if (renewer != null) {
      renewer.close();
    }
  }
}
