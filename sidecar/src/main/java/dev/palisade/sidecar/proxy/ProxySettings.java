package dev.palisade.sidecar.proxy;

import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.sidecar.SidecarContract;
import dev.palisade.sidecar.metrics.PeerLabels;
import dev.palisade.sidecar.tls.CertificateSource;
import dev.palisade.sidecar.tls.TlsSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the proxy is started with. Build with {@link #builder(String)}; the defaults are
 * the production ones (the contract's ports, TLS 1.3).
 *
 * @param listenAddress where :15006 and :15001 listen (all interfaces by default: iptables
 *     redirects inbound traffic arriving on the pod IP)
 * @param adminAddress where :15020 listens (all interfaces: the kubelet probes the pod IP)
 * @param inboundDelivery where admitted inbound connections are handed to the application
 * @param sidecarConfig the inbound and outbound policy to start with
 * @param certificates what publishes the certificate material
 * @param handshakeTimeout from accept to admission (detection, handshake, identity, policy)
 * @param protocolDetectionTimeout on PERMISSIVE ports, silence after which a client is taken
 *     for plaintext (server-speaks-first protocols)
 * @param idleTimeout an established connection with no bytes either way is closed
 * @param connectTimeout connecting to the application or the upstream
 * @param drainTimeout how long {@code /shutdown} waits for connections to finish (zero: closes
 *     them at once); see {@link DrainBudget}
 * @param workerThreads event loops for connections (0: one per available processor)
 * @param maxConnections connections open at once, both listeners together, beyond which new ones
 *     are refused as {@code overloaded} (0: no limit); by default derived from the container's
 *     memory limit ({@link ConnectionLimit})
 * @param peerLabelLimit distinct peer identities the traffic metrics label by name before
 *     counting the rest as {@code other} ({@link dev.palisade.sidecar.metrics.PeerLabels})
 * @param transport the socket transport (epoll where it loads, else NIO; see {@link Transport})
 * @param operator the operator's config service (e.g. {@code https://palisade-operator.
 *     palisade-system.svc}): outbound destinations the static policy does not list are looked up
 *     there, and the proxy is ready only once a configuration has arrived from it; null when
 *     running on a static policy alone
 */
public record ProxySettings(
    InetAddress listenAddress, int inboundPort, int outboundPort,
    InetAddress adminAddress, int adminPort,
    InboundDelivery inboundDelivery,
    TlsSettings tls,
    SidecarConfig sidecarConfig,
    CertificateSource certificates,
    Duration handshakeTimeout,
    Duration protocolDetectionTimeout,
    Duration idleTimeout,
    Duration connectTimeout,
    Duration drainTimeout,
    int workerThreads,
    int maxConnections,
    int peerLabelLimit,
    Transport transport,
    URI operator) {

  public ProxySettings {
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(sidecarConfig, "sidecarConfig");
    Objects.requireNonNull(certificates, "certificates");
    Objects.requireNonNull(transport, "transport");
    if (peerLabelLimit < 0) {
      throw new IllegalArgumentException("the peer label limit must not be negative");
    }
    for (Duration d : new Duration[] {handshakeTimeout, protocolDetectionTimeout, idleTimeout,
        connectTimeout}) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("timeouts must be positive");
      }
    }
    if (drainTimeout == null || drainTimeout.isNegative()) {
      throw new IllegalArgumentException("the drain timeout must not be negative");
    }
  }

  InetSocketAddress inboundBind() {
    return new InetSocketAddress(listenAddress, inboundPort);
  }

  InetSocketAddress outboundBind() {
    return new InetSocketAddress(listenAddress, outboundPort);
  }

  InetSocketAddress adminBind() {
    return new InetSocketAddress(adminAddress, adminPort);
  }

  int eventLoopThreads() {
    return workerThreads > 0 ? workerThreads : Runtime.getRuntime().availableProcessors();
  }

  /**
   * Every address of the pod: {@code ::} where the kernel has IPv6 (a dual-stack socket, so IPv4
   * arrives too, v4-mapped), else {@code 0.0.0.0}.
   */
  public static InetAddress allAddresses() {
    try {
      return java.nio.file.Files.exists(java.nio.file.Path.of("/proc/net/if_inet6"))
          ? InetAddress.getByName("::") : InetAddress.getByName("0.0.0.0");
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError("literal addresses need no lookup", e);
    }
  }

  public static Builder builder(String trustDomain) {
    return new Builder(TlsSettings.defaults(trustDomain));
  }

  /** Production defaults; tests bind to 127.0.0.1 port 0 instead. */
  public static final class Builder {
    private InetAddress listenAddress = anyAddress();
    private int inboundPort = SidecarContract.INBOUND_PORT;
    private int outboundPort = SidecarContract.OUTBOUND_PORT;
    private InetAddress adminAddress = anyAddress();
    private int adminPort = SidecarContract.ADMIN_PORT;
    private InboundDelivery inboundDelivery = InboundDelivery.POD_ADDRESS;
    private TlsSettings tls;
    private SidecarConfig sidecarConfig = SidecarConfig.defaults();
    private CertificateSource certificates = CertificateSource.NONE;
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private Duration protocolDetectionTimeout = Duration.ofSeconds(1);
    private Duration idleTimeout = Duration.ofHours(1);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration drainTimeout = DrainBudget.DEFAULT;
    private int workerThreads;
    private int maxConnections = ConnectionLimit.fromCgroup();
    private int peerLabelLimit = PeerLabels.DEFAULT_LIMIT;
    private Transport transport = Transport.defaultTransport();
    private URI operator;

    private Builder(TlsSettings tls) {
      this.tls = tls;
    }

    private static InetAddress anyAddress() {
      return allAddresses();
    }

    /** Every listener on this address, each on an ephemeral port: for tests. */
    public Builder ephemeral(InetAddress address) {
      listenAddress = address;
      adminAddress = address;
      inboundPort = 0;
      outboundPort = 0;
      adminPort = 0;
      return this;
    }

    public Builder listenAddress(InetAddress value) {
      listenAddress = value;
      return this;
    }

    public Builder inboundPort(int value) {
      inboundPort = value;
      return this;
    }

    public Builder outboundPort(int value) {
      outboundPort = value;
      return this;
    }

    public Builder adminAddress(InetAddress value) {
      adminAddress = value;
      return this;
    }

    public Builder adminPort(int value) {
      adminPort = value;
      return this;
    }

    public Builder inboundDelivery(InboundDelivery value) {
      inboundDelivery = value;
      return this;
    }

    public Builder tls(TlsSettings value) {
      tls = value;
      return this;
    }

    public Builder sidecarConfig(SidecarConfig value) {
      sidecarConfig = value;
      return this;
    }

    public Builder certificates(CertificateSource value) {
      certificates = value;
      return this;
    }

    public Builder handshakeTimeout(Duration value) {
      handshakeTimeout = value;
      return this;
    }

    public Builder protocolDetectionTimeout(Duration value) {
      protocolDetectionTimeout = value;
      return this;
    }

    public Builder idleTimeout(Duration value) {
      idleTimeout = value;
      return this;
    }

    public Builder connectTimeout(Duration value) {
      connectTimeout = value;
      return this;
    }

    public Builder drainTimeout(Duration value) {
      drainTimeout = value;
      return this;
    }

    public Builder workerThreads(int value) {
      workerThreads = value;
      return this;
    }

    public Builder maxConnections(int value) {
      maxConnections = value;
      return this;
    }

    public Builder peerLabelLimit(int value) {
      peerLabelLimit = value;
      return this;
    }

    public Builder transport(Transport value) {
      transport = value;
      return this;
    }

    public Builder operator(URI value) {
      operator = value;
      return this;
    }

    public ProxySettings build() {
      return new ProxySettings(listenAddress, inboundPort, outboundPort, adminAddress, adminPort,
          inboundDelivery, tls, sidecarConfig, certificates, handshakeTimeout,
          protocolDetectionTimeout, idleTimeout, connectTimeout, drainTimeout, workerThreads,
          maxConnections, peerLabelLimit, transport, operator);
    }
  }
}
