package dev.palisade.sidecar.tls;

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

  @Override
  void close();
}
