package dev.palisade.sidecar.tls;

import org.slf4j.LoggerFactory;

/**
 * Produces certificate material over time and publishes each version to a sink (ghostunnel's
 * "reload trigger"): PEM files on disk ({@link PemFilesCertificateSource}), the identity client
 * that sends CSRs to the operator, or a test.
 */
public interface CertificateSource extends AutoCloseable {

  /** A source that publishes nothing by itself: material arrives through the holder directly. */
  CertificateSource NONE = new CertificateSource() {
    @Override
    public void start(TlsMaterialSink sink) {}

    @Override
    public void close() {}
  };

  /** Begins publishing to {@code sink}; the first material may come before this returns. */
  void start(TlsMaterialSink sink);

  /**
   * The certificate being served is revoked: obtain a new one, with a new key, now rather than
   * at the next renewal. A source that cannot (files someone else writes) says so: the
   * certificate must be replaced by hand, and peers refuse it until then.
   *
   * @param why what to log, e.g. which serial the configuration revokes
   */
  default void renewNow(String why) {
    LoggerFactory.getLogger(CertificateSource.class).error("{}: replace the certificate and"
        + " key files with a new certificate and key (the proxy cannot renew files); peers"
        + " refuse this proxy until then", why);
  }

  @Override
  void close();
}
