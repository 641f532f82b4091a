package dev.palisade.sidecar.proxy;

import dev.palisade.common.net.Port;
import dev.palisade.common.pki.KeyType;
import dev.palisade.common.pki.Pem;
import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.sidecar.SidecarContract;
import dev.palisade.common.signing.CertificateRequest;
import dev.palisade.common.time.Backoff;
import dev.palisade.sidecar.config.ConfigPoller;
import dev.palisade.sidecar.config.StaticConfigFile;
import dev.palisade.sidecar.identity.CaCertificateSource;
import dev.palisade.sidecar.identity.IdentityClient;
import dev.palisade.sidecar.identity.IdentityRenewer;
import dev.palisade.sidecar.tls.CertificateSource;
import dev.palisade.sidecar.tls.InvalidTlsMaterialException;
import dev.palisade.sidecar.tls.PemFilesCertificateSource;
import dev.palisade.sidecar.tls.TlsContexts;
import dev.palisade.sidecar.tls.TlsSettings;
import dev.palisade.sidecar.tls.VerificationExecutor;
import dev.palisade.sidecar.tls.TlsSettings.TlsVersion;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy the flags describe: its {@link ProxySettings}, where each direction's destinations
 * come from, and the operator's config service if it has one. {@link #start()} wires them into a
 * running {@link ProxyRuntime} (and {@link ConfigPoller}).
 */
record ProxyAssembly(ProxySettings settings, OriginalDestinationResolver inbound,
    OriginalDestinationResolver outbound, URI configEndpoint, String podName) {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyAssembly.class);

  /**
   * Until the operator's first configuration: STRICT inbound, and no outbound plaintext (the
   * proxy is not ready then, so the app has not started; this is belt and braces).
   */
  static final SidecarConfig AWAITING_OPERATOR = new SidecarConfig("awaiting-operator",
      InboundPolicy.strictDefault(), new OutboundPolicy(Map.of(), true));

  /** @throws IllegalArgumentException when the flags are missing something or contradict */
  static ProxyAssembly of(ProxyCommand flags, OriginalDestinationResolver redirected) {
    String trustDomain = required("--trust-domain", flags.trustDomain);
    URI caEndpoint = caEndpoint(flags);
    URI configEndpoint = configEndpoint(flags);
    TlsSettings tls = new TlsSettings(trustDomain, TlsVersion.parse(flags.minTlsVersion),
        TlsSettings.SESSION_TIMEOUT, flags.outboundSessionResumption, flags.keyExchangeGroups,
        Clock.systemUTC(),
        VerificationExecutor.shared());
    ProxySettings.Builder builder = ProxySettings.builder(trustDomain).tls(tls)
        .certificates(caEndpoint != null ? caSource(flags, caEndpoint) : pemSource(flags));
    if (flags.config != null) {
      builder.sidecarConfig(readConfig(flags.config));
    } else if (configEndpoint != null) {
      builder.operator(configEndpoint).sidecarConfig(AWAITING_OPERATOR);
    }
    if (flags.ephemeralPorts) {
      builder.ephemeral(listenAddress("--listen-address", flags.listenAddress));
    }
    builder.listenAddress(listenAddress("--listen-address", flags.listenAddress))
        .adminAddress(listenAddress("--admin-address", flags.adminAddress));
    port(flags.inboundPort, flags.ephemeralPorts, SidecarContract.INBOUND_PORT)
        .ifPresent(builder::inboundPort);
    port(flags.outboundPort, flags.ephemeralPorts, SidecarContract.OUTBOUND_PORT)
        .ifPresent(builder::outboundPort);
    port(flags.adminPort, flags.ephemeralPorts, SidecarContract.ADMIN_PORT)
        .ifPresent(builder::adminPort);
    builder.handshakeTimeout(flags.handshakeTimeout)
        .protocolDetectionTimeout(flags.protocolDetectionTimeout)
        .idleTimeout(flags.idleTimeout)
        .connectTimeout(flags.connectTimeout)
        .drainTimeout(DrainBudget.drainTimeout(flags.drainTimeout,
            flags.terminationGracePeriodSeconds))
        .workerThreads(EventLoopCount.of(flags.workerThreads, flags.cpuRequestMillicores,
            Runtime.getRuntime().availableProcessors()))
        .peerLabelLimit(flags.metricsPeerLimit)
        .inboundDelivery(flags.inboundDelivery);
    if (flags.transport != null) {
      builder.transport(Transport.parse(flags.transport));
    }
    if (flags.maxConnections != null) {
      builder.maxConnections(flags.maxConnections);
    }
    return new ProxyAssembly(builder.build(),
        resolver("--inbound-target-port", flags.inboundTargetPort == null ? null
            : FixedDestinationResolver.localPort(flags.inboundTargetPort.value()), redirected),
        resolver("--outbound-target", flags.outboundTarget == null ? null
            : outboundTarget(flags.outboundTarget), redirected),
        configEndpoint,
        configEndpoint == null ? null : required("--pod-name", flags.podName));
  }

  /** {@code --ca-endpoint}, else the operator's unless certificates come from files. */
  static URI caEndpoint(ProxyCommand flags) {
    return flags.caEndpoint != null || flags.cert != null || flags.operatorEndpoint == null
        ? flags.caEndpoint : under(flags.operatorEndpoint, CertificateRequest.PATH);
  }

  /** {@code --config-endpoint}, else the operator unless the policy comes from a file. */
  static URI configEndpoint(ProxyCommand flags) {
    return flags.configEndpoint != null || flags.config != null || flags.operatorEndpoint == null
        ? flags.configEndpoint : under(flags.operatorEndpoint, "/");
  }

  /** Starts the runtime, then the config poller that configures it. */
  RunningProxy start() throws InterruptedException {
    ProxyRuntime runtime = ProxyRuntime.start(settings, inbound, outbound);
    ConfigPoller poller = configEndpoint == null ? null
        : new ConfigPoller(configEndpoint, podName,
            () -> runtime.tls().current().map(TlsContexts::material),
            update -> apply(runtime, update),
            new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)),
            settings.certificates()::renewNow).start();
    return new RunningProxy(runtime, poller);
  }

  /** The trust bundle first, so that the configuration that makes the proxy ready has it. */
  private static void apply(ProxyRuntime runtime, ConfigPoller.Update update) {
    try {
      runtime.tls().updateTrustBundle(update.trustBundle());
    } catch (InvalidTlsMaterialException e) {
      LOG.error("the config service's trust bundle is unusable; keeping ours: {}", e.getMessage());
    }
    runtime.updateConfig(update.config());
  }

  private static CertificateSource pemSource(ProxyCommand flags) {
    if (flags.cert == null || flags.key == null) {
      throw new IllegalArgumentException("give --cert and --key, or --ca-endpoint (or"
          + " --operator-endpoint) and --token-file");
    }
    return new PemFilesCertificateSource(flags.cert, flags.key,
        required("--ca-bundle", flags.caBundle), flags.pemReloadInterval);
  }

  /** Certificates from the operator's CA; the mounted bundle verifies the operator itself. */
  private static CertificateSource caSource(ProxyCommand flags, URI caEndpoint) {
    Path bundle = required("--ca-bundle", flags.caBundle);
    IdentityClient client = new IdentityClient(caEndpoint,
        required("--token-file", flags.tokenFile), () -> {
          try {
            return Pem.parseCertificates(Files.readString(bundle));
          } catch (IOException | IllegalArgumentException e) {
            LOG.warn("cannot read the trust bundle {}: {}", bundle, e.getMessage());
            return List.of();
          }
        }, KeyType.ECDSA_P256);
    return new CaCertificateSource(client, IdentityRenewer.Listener.NONE);
  }

  private static SidecarConfig readConfig(Path file) {
    try {
      return StaticConfigFile.read(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("--config: cannot read " + file + ": " + e, e);
    }
  }

  private static URI under(URI operator, String path) {
    String base = operator.toString().replaceAll("/+$", "");
    return URI.create(base + path);
  }

  /** A given port; else, unless every listener is ephemeral, the contract's. */
  private static Optional<Integer> port(Port given, boolean ephemeral, int contract) {
    if (given != null) {
      return Optional.of(given.value());
    }
    return ephemeral ? Optional.empty() : Optional.of(contract);
  }

  private static OriginalDestinationResolver resolver(String flag,
      OriginalDestinationResolver fixed, OriginalDestinationResolver redirected) {
    if (fixed != null) {
      return fixed;
    }
    if (redirected == null) {
      throw new IllegalArgumentException(flag + " is required when running without"
          + " iptables redirection");
    }
    return redirected;
  }

  private static OriginalDestinationResolver outboundTarget(String target) {
    int colon = target.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("--outbound-target must be <ip>:<port>, not " + target);
    }
    InetAddress ip = literalAddress("--outbound-target", target.substring(0, colon));
    Port port;
    try {
      port = Port.parse(target.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--outbound-target: " + e.getMessage(), e);
    }
    return new FixedDestinationResolver(new InetSocketAddress(ip, port.value()));
  }

  /** {@code *} is every address of the pod ({@link ProxySettings#allAddresses()}). */
  private static InetAddress listenAddress(String flag, String value) {
    return "*".equals(value) ? ProxySettings.allAddresses() : literalAddress(flag, value);
  }

  private static <T> T required(String flag, T value) {
    if (value == null || value instanceof String text && text.isBlank()) {
      throw new IllegalArgumentException(flag + " is required");
    }
    return value;
  }

  /** IP literals only: a proxy must not depend on DNS to start. */
  private static InetAddress literalAddress(String flag, String value) {
    if (!value.matches("[0-9a-fA-F.:\\[\\]]+")) {
      throw new IllegalArgumentException(flag + ": '" + value + "' is not an IP address");
    }
    try {
      return InetAddress.getByName(value);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(flag + ": '" + value + "' is not an IP address");
    }
  }
}
