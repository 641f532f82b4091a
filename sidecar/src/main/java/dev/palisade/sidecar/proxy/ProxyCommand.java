package dev.palisade.sidecar.proxy;

import dev.palisade.common.pki.KeyType;
import dev.palisade.common.pki.Pem;
import dev.palisade.common.time.Backoff;
import dev.palisade.sidecar.config.ConfigPoller;
import dev.palisade.sidecar.tls.TlsContexts;
import dev.palisade.common.time.KubeDuration;
import dev.palisade.sidecar.config.SidecarConfigJson;
import dev.palisade.sidecar.identity.CaCertificateSource;
import dev.palisade.sidecar.identity.IdentityClient;
import dev.palisade.sidecar.identity.IdentityRenewer;
import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.sidecar.tls.CertificateSource;
import dev.palisade.sidecar.tls.InvalidTlsMaterialException;
import dev.palisade.sidecar.tls.PemFilesCertificateSource;
import dev.palisade.sidecar.tls.TlsSettings.TlsVersion;
import dev.palisade.sidecar.tls.TlsSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code proxy} command: parses flags, starts {@link ProxyRuntime}, and returns the exit
 * code once it has shut down ({@code POST /shutdown} or SIGTERM). The entry point the
 * sidecar's main class calls; see docs/sidecar.md for the flags.
 */
public final class ProxyCommand {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyCommand.class);

  static final String USAGE = """
      usage: proxy --trust-domain=<td> --ca-bundle=<ca.crt>
                   (--cert=<tls.crt> --key=<tls.key> | --ca-endpoint=<url> --token-file=<path>)
                   [--config=<sidecar-config.json>] [--inbound-target-port=<port>]
                   [--outbound-target=<ip:port>] [options]
        --trust-domain            peers must have SPIFFE IDs in this trust domain (required)
        --cert, --key, --ca-bundle  PEM files: chain (leaf first), PKCS#8 key, trust bundle
        --ca-endpoint, --token-file  instead of --cert/--key: obtain and renew the certificate
                                  from the operator's /v1/certificates with the projected
                                  ServiceAccount token (--ca-bundle verifies the operator)
        --config-endpoint, --pod-name  instead of --config: long-poll the operator's /v1/config
                                  (e.g. https://palisade-operator.palisade-system.svc) for
                                  this pod's policy; the last one stays in force if it is gone
        --pem-reload-interval     how often the PEM files are checked for changes (10s)
        --config                  inbound/outbound policy as JSON (default: STRICT, no rules)
        --inbound-target-port     relay every inbound connection to 127.0.0.1:<port>
                                  (without iptables; otherwise SO_ORIGINAL_DST)
        --outbound-target         relay every outbound connection to <ip:port>
        --listen-address          address of :15006 and :15001 (0.0.0.0)
        --admin-address           address of :15020 (0.0.0.0)
        --inbound-port, --outbound-port, --admin-port   (15006, 15001, 15020)
        --min-tls-version         1.3 (default) or 1.2
        --handshake-timeout (10s), --protocol-detection-timeout (1s), --idle-timeout (1h),
        --connect-timeout (5s), --drain-timeout (5s)   durations such as 500ms, 10s, 1h
        --worker-threads          event loop threads (default: one per CPU)
        --max-connections         connections open at once before new ones are refused
                                  (default: from the container's memory limit; 0: no limit)
        --transport               epoll (default on Linux) or nio (see docs/sidecar.md)
      """;

  private static final Set<String> FLAGS = Set.of("trust-domain", "cert", "key", "ca-bundle",
      "ca-endpoint", "token-file", "config-endpoint", "pod-name",
      "pem-reload-interval", "config", "inbound-target-port", "outbound-target",
      "listen-address", "admin-address", "inbound-port", "outbound-port", "admin-port",
      "min-tls-version", "handshake-timeout", "protocol-detection-timeout", "idle-timeout",
      "connect-timeout", "drain-timeout", "worker-threads", "max-connections", "transport");

  private ProxyCommand() {}

  /**
   * Runs standalone: destinations come from {@code --inbound-target-port} and
   * {@code --outbound-target}.
   */
  public static int run(String[] args) {
    return run(args, null);
  }

  /**
   * Runs the proxy until it shuts down.
   *
   * @param redirected the SO_ORIGINAL_DST resolver for iptables-redirected connections, used
   *     for each direction without a fixed target flag; null if there is none
   * @return the process exit code: 0 after a clean shutdown, 2 for bad flags, 1 if it could
   *     not start
   */
  public static int run(String[] args, OriginalDestinationResolver redirected) {
    Invocation invocation;
    try {
      invocation = Invocation.parse(args, redirected);
    } catch (IllegalArgumentException | IOException e) {
      return usage(System.err, e.getMessage());
    }
    // SIGTERM (the kubelet stopping the pod): drain like POST /shutdown, then let the JVM exit.
    // The hook is in place before the proxy can report ready, and a SIGTERM that arrives while
    // it starts waits for the start to finish and then drains.
    CompletableFuture<RunningProxy> started = new CompletableFuture<>();
    Thread hook = Thread.ofPlatform().unstarted(() -> {
      RunningProxy running = started.join();
      if (running != null) {
        running.close();
      }
    });
    Runtime.getRuntime().addShutdownHook(hook);
    RunningProxy proxy;
    try {
      proxy = invocation.start();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      started.complete(null);
      return 1;
    } catch (Exception e) { // Netty rethrows bind failures (BindException) undeclared
      started.complete(null);
      LOG.error("the proxy could not start: {}", e.toString(), e);
      return 1;
    }
    started.complete(proxy);
    proxy.runtime().terminated().join();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down (SIGTERM): the hook is running
    }
    return 0;
  }

  /**
   * Starts the proxy the flags describe, exactly as {@link #run} does, and returns it running:
   * for embedding it (tests against a real operator).
   *
   * @throws IllegalArgumentException for bad flags
   */
  public static RunningProxy start(String[] args, OriginalDestinationResolver redirected)
      throws IOException, InterruptedException {
    return Invocation.parse(args, redirected).start();
  }

  /** A started proxy and, when an operator configures it, its config poller. */
  public record RunningProxy(ProxyRuntime runtime, ConfigPoller poller) implements AutoCloseable {
    @Override
    public void close() {
      if (poller != null) {
        poller.close();
      }
      runtime.close();
    }
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

  /**
   * Until the operator's first configuration: STRICT inbound, and no outbound plaintext (the
   * proxy is not ready then, so the app has not started; this is belt and braces).
   */
  static final SidecarConfig AWAITING_OPERATOR = new SidecarConfig("awaiting-operator",
      InboundPolicy.strictDefault(), new OutboundPolicy(Map.of(), true));

  /** What the flags ask for. */
  record Invocation(ProxySettings settings, OriginalDestinationResolver inbound,
      OriginalDestinationResolver outbound, URI configEndpoint, String podName) {

    static Invocation parse(String[] args, OriginalDestinationResolver redirected)
        throws IOException {
      Map<String, String> flags = withEnvironmentDefaults(parseFlags(args), System.getenv());
      URI configEndpoint = flags.containsKey("config-endpoint")
          ? URI.create(flags.get("config-endpoint")) : null;
      return new Invocation(settingsFrom(flags),
          resolver(flags, "inbound-target-port", redirected, ProxyCommand::inboundTarget),
          resolver(flags, "outbound-target", redirected, ProxyCommand::outboundTarget),
          configEndpoint, configEndpoint == null ? null : required(flags, "pod-name"));
    }

    RunningProxy start() throws InterruptedException {
      ProxyRuntime runtime = ProxyRuntime.start(settings, inbound, outbound);
      ConfigPoller poller = configEndpoint == null ? null
          : new ConfigPoller(configEndpoint, podName,
              () -> runtime.tls().current().map(TlsContexts::material),
              update -> apply(runtime, update),
              new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30))).start();
      return new RunningProxy(runtime, poller);
    }
  }

  /**
   * Flags the injected pod gives through its environment (operator/.../injection/SidecarSpec):
   * a flag on the command line wins. With {@code PALISADE_OPERATOR_ENDPOINT} the certificate
   * comes from the operator's CA and the policy from its config service.
   */
  static Map<String, String> withEnvironmentDefaults(Map<String, String> flags,
      Map<String, String> env) {
    Map<String, String> merged = new HashMap<>(flags);
    java.util.function.BiConsumer<String, String> fromEnv = (flag, value) -> {
      if (value != null && !value.isBlank()) {
        merged.putIfAbsent(flag, value);
      }
    };
    fromEnv.accept("trust-domain", env.get("PALISADE_TRUST_DOMAIN"));
    fromEnv.accept("ca-bundle", env.get("PALISADE_TRUST_BUNDLE_FILE"));
    String operator = env.get("PALISADE_OPERATOR_ENDPOINT");
    if (operator != null && !operator.isBlank() && !flags.containsKey("cert")) {
      String base = operator.endsWith("/") ? operator.substring(0, operator.length() - 1) : operator;
      fromEnv.accept("ca-endpoint", base + "/v1/certificates");
      fromEnv.accept("token-file", env.get("PALISADE_TOKEN_FILE"));
      if (!flags.containsKey("config")) {
        fromEnv.accept("config-endpoint", base);
        fromEnv.accept("pod-name", env.get("POD_NAME"));
      }
    }
    return merged;
  }

  static Map<String, String> parseFlags(String[] args) {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      String value;
      int equals = name.indexOf('=');
      if (equals >= 0) {
        value = name.substring(equals + 1);
        name = name.substring(0, equals);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("--" + name + " needs a value");
      }
      if (!FLAGS.contains(name)) {
        throw new IllegalArgumentException("unknown flag --" + name);
      }
      flags.put(name, value);
    }
    return flags;
  }

  static ProxySettings settingsFrom(Map<String, String> flags) throws IOException {
    String trustDomain = required(flags, "trust-domain");
    TlsSettings tls = new TlsSettings(trustDomain,
        TlsVersion.parse(flags.getOrDefault("min-tls-version", "1.3")), Duration.ofHours(1),
        Clock.systemUTC());
    ProxySettings.Builder builder = ProxySettings.builder(trustDomain).tls(tls)
        .certificates(flags.containsKey("ca-endpoint") ? caSource(flags)
            : new PemFilesCertificateSource(Path.of(required(flags, "cert")),
                Path.of(required(flags, "key")), Path.of(required(flags, "ca-bundle")),
                duration(flags, "pem-reload-interval").orElse(Duration.ofSeconds(10))));
    if (flags.containsKey("config")) {
      builder.sidecarConfig(SidecarConfigJson.read(Path.of(flags.get("config"))));
    } else if (flags.containsKey("config-endpoint")) {
      builder.operator(URI.create(flags.get("config-endpoint"))).sidecarConfig(AWAITING_OPERATOR);
    }
    address(flags, "listen-address").ifPresent(builder::listenAddress);
    address(flags, "admin-address").ifPresent(builder::adminAddress);
    port(flags, "inbound-port").ifPresent(builder::inboundPort);
    port(flags, "outbound-port").ifPresent(builder::outboundPort);
    port(flags, "admin-port").ifPresent(builder::adminPort);
    duration(flags, "handshake-timeout").ifPresent(builder::handshakeTimeout);
    duration(flags, "protocol-detection-timeout").ifPresent(builder::protocolDetectionTimeout);
    duration(flags, "idle-timeout").ifPresent(builder::idleTimeout);
    duration(flags, "connect-timeout").ifPresent(builder::connectTimeout);
    duration(flags, "drain-timeout").ifPresent(builder::drainTimeout);
    if (flags.containsKey("transport")) {
      builder.transport(Transport.parse(flags.get("transport")));
    }
    if (flags.containsKey("worker-threads")) {
      builder.workerThreads(integer(flags, "worker-threads"));
    }
    if (flags.containsKey("max-connections")) {
      builder.maxConnections(integer(flags, "max-connections"));
    }
    return builder.build();
  }

  /** Certificates from the operator's CA; the mounted bundle verifies the operator itself. */
  private static CertificateSource caSource(Map<String, String> flags) {
    Path bundle = Path.of(required(flags, "ca-bundle"));
    IdentityClient client = new IdentityClient(URI.create(flags.get("ca-endpoint")),
        Path.of(required(flags, "token-file")), () -> {
          try {
            return Pem.parseCertificates(Files.readString(bundle));
          } catch (IOException | IllegalArgumentException e) {
            LOG.warn("cannot read the trust bundle {}: {}", bundle, e.getMessage());
            return List.of();
          }
        }, KeyType.ECDSA_P256);
    return new CaCertificateSource(client, IdentityRenewer.Listener.NONE);
  }

  private static OriginalDestinationResolver resolver(Map<String, String> flags, String flag,
      OriginalDestinationResolver redirected,
      java.util.function.Function<String, OriginalDestinationResolver> fixed) {
    if (flags.containsKey(flag)) {
      return fixed.apply(flags.get(flag));
    }
    if (redirected == null) {
      throw new IllegalArgumentException("--" + flag + " is required when running without"
          + " iptables redirection");
    }
    return redirected;
  }

  private static OriginalDestinationResolver inboundTarget(String port) {
    return FixedDestinationResolver.localPort(checkedPort("inbound-target-port", port));
  }

  private static OriginalDestinationResolver outboundTarget(String target) {
    int colon = target.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("--outbound-target must be <ip>:<port>, not " + target);
    }
    InetAddress ip = literalAddress("outbound-target", target.substring(0, colon));
    return new FixedDestinationResolver(new InetSocketAddress(ip,
        checkedPort("outbound-target", target.substring(colon + 1))));
  }

  private static String required(Map<String, String> flags, String name) {
    String value = flags.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }

  private static Optional<Duration> duration(Map<String, String> flags, String name) {
    if (!flags.containsKey(name)) {
      return Optional.empty();
    }
    try {
      return Optional.of(KubeDuration.parse(flags.get(name)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + name + ": " + e.getMessage());
    }
  }

  private static Optional<Integer> port(Map<String, String> flags, String name) {
    return flags.containsKey(name)
        ? Optional.of(checkedPort(name, flags.get(name)))
        : Optional.empty();
  }

  private static int checkedPort(String name, String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--" + name + ": '" + value + "' is not a port");
  }

  private static int integer(Map<String, String> flags, String name) {
    try {
      return Integer.parseInt(flags.get(name));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + ": not a number: " + flags.get(name));
    }
  }

  private static Optional<InetAddress> address(Map<String, String> flags, String name) {
    return flags.containsKey(name)
        ? Optional.of(literalAddress(name, flags.get(name)))
        : Optional.empty();
  }

  /** IP literals only: a proxy must not depend on DNS to start. */
  private static InetAddress literalAddress(String name, String value) {
    if (!value.matches("[0-9a-fA-F.:\\[\\]]+")) {
      throw new IllegalArgumentException("--" + name + ": '" + value + "' is not an IP address");
    }
    try {
      return InetAddress.getByName(value);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--" + name + ": '" + value + "' is not an IP address");
    }
  }

  private static int usage(PrintStream out, String error) {
    out.println("proxy: " + error);
    out.print(USAGE);
    return 2;
  }
}
