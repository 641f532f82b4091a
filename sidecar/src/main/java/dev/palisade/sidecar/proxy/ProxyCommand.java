package dev.palisade.sidecar.proxy;

import dev.palisade.common.net.Port;
import dev.palisade.common.sidecar.SidecarContract;
import dev.palisade.common.sidecar.SidecarContract.Env;
import dev.palisade.common.time.KubeDuration;
import dev.palisade.sidecar.cli.Flag;
import dev.palisade.sidecar.cli.FlagParser;
import dev.palisade.sidecar.cli.FlagParser.HelpRequested;
import dev.palisade.sidecar.metrics.PeerLabels;
import dev.palisade.sidecar.tls.KeyExchangeGroups;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code palisade-proxy proxy}: the flags (docs/sidecar.md). {@link ProxyAssembly} turns them
 * into a proxy, {@link ProxyLifecycle} runs it until {@code POST /shutdown} or SIGTERM. In an
 * injected pod every flag it needs comes from the environment the operator sets
 * ({@link SidecarContract.Env}).
 *
 * <p>Parsed by {@link FlagParser}, not picocli like the other commands: every pod starts this
 * one, and picocli cost about 0.1 s of each start.
 */
public final class ProxyCommand {

  static final String NAME = "palisade-proxy proxy";

  private static final FlagParser<ProxyCommand> FLAGS = new FlagParser<>(NAME, List.of(
      "Runs the mTLS proxy: :" + SidecarContract.INBOUND_PORT + " inbound, :"
          + SidecarContract.OUTBOUND_PORT + " outbound, :" + SidecarContract.ADMIN_PORT
          + " admin.",
      "The certificate comes from PEM files (--cert, --key) or from the operator's CA"
          + " (--ca-endpoint, --token-file); the policy from a file (--config) or from the"
          + " operator's config service (--config-endpoint, --pod-name). With"
          + " --operator-endpoint (as injected) both come from the operator.",
      "Durations are written like 500ms, 10s, 1h.",
      "Exit codes: 0 shut down cleanly, 1 could not start, 2 bad flags."), List.of(
      option("--trust-domain", "<td>",
          "Peers must have SPIFFE IDs in this trust domain (required; env "
              + Env.TRUST_DOMAIN + ").", (c, v) -> c.trustDomain = v)
          .fromEnvironment(Env.TRUST_DOMAIN),
      option("--operator-endpoint", "<url>",
          "The operator (https://palisade-operator.<namespace>.svc:443): the default of"
              + " --ca-endpoint unless --cert is given, and of --config-endpoint unless --config"
              + " is (env " + Env.OPERATOR_ENDPOINT + ").",
          (c, v) -> c.operatorEndpoint = uri(v))
          .fromEnvironment(Env.OPERATOR_ENDPOINT),
      option("--cert", "<tls.crt>", "PEM certificate chain, leaf first.",
          (c, v) -> c.cert = Path.of(v)),
      option("--key", "<tls.key>", "PEM PKCS#8 private key.", (c, v) -> c.key = Path.of(v)),
      option("--ca-bundle", "<ca.crt>",
          "PEM trust bundle: verifies peers, and the operator (env " + Env.TRUST_BUNDLE_FILE
              + ").", (c, v) -> c.caBundle = Path.of(v))
          .fromEnvironment(Env.TRUST_BUNDLE_FILE),
      option("--ca-endpoint", "<url>",
          "Instead of --cert/--key: obtain and renew the certificate from the operator's"
              + " /v1/certificates with the projected ServiceAccount token.",
          (c, v) -> c.caEndpoint = uri(v)),
      option("--token-file", "<path>",
          "The projected ServiceAccount token (audience " + SidecarContract.TOKEN_AUDIENCE
              + "; env " + Env.TOKEN_FILE + ").", (c, v) -> c.tokenFile = Path.of(v))
          .fromEnvironment(Env.TOKEN_FILE),
      option("--config-endpoint", "<url>",
          "Instead of --config: long-poll the operator's /v1/config for this pod's policy; the"
              + " last one stays in force while the operator is gone.",
          (c, v) -> c.configEndpoint = uri(v)),
      option("--pod-name", "<name>",
          "This pod, for --config-endpoint (env " + Env.POD_NAME + ").",
          (c, v) -> c.podName = v)
          .fromEnvironment(Env.POD_NAME),
      option("--pem-reload-interval", "<duration>",
          "How often the PEM files are checked for changes.",
          (c, v) -> c.pemReloadInterval = KubeDuration.parse(v))
          .defaultingTo("10s"),
      option("--config", "<sidecar-config.json>",
          "Inbound/outbound policy as JSON (default: STRICT, no rules).",
          (c, v) -> c.config = Path.of(v)),
      option("--inbound-target-port", "<port>",
          "Relay every inbound connection to 127.0.0.1:<port> (without iptables; otherwise"
              + " SO_ORIGINAL_DST).", (c, v) -> c.inboundTargetPort = Port.parse(v)),
      option("--inbound-delivery", "<pod-address|loopback>",
          "Hand inbound connections to the address the client dialled, or to 127.0.0.1 for"
              + " applications that listen on localhost only (docs/sidecar.md).",
          (c, v) -> c.inboundDelivery = InboundDelivery.parse(v))
          .defaultingTo("pod-address"),
      option("--outbound-target", "<ip:port>",
          "Relay every outbound connection to <ip:port> (without iptables).",
          (c, v) -> c.outboundTarget = v),
      option("--listen-address", "<ip>",
          "Address of the inbound and outbound listeners (*: every address, IPv6 and IPv4).",
          (c, v) -> c.listenAddress = v)
          .defaultingTo("*"),
      option("--admin-address", "<ip>", "Address of the admin port (*: every address).",
          (c, v) -> c.adminAddress = v)
          .defaultingTo("*"),
      option("--inbound-port", "<port>", "Default: " + SidecarContract.INBOUND_PORT + ".",
          (c, v) -> c.inboundPort = Port.parse(v)),
      option("--outbound-port", "<port>", "Default: " + SidecarContract.OUTBOUND_PORT + ".",
          (c, v) -> c.outboundPort = Port.parse(v)),
      option("--admin-port", "<port>", "Default: " + SidecarContract.ADMIN_PORT + ".",
          (c, v) -> c.adminPort = Port.parse(v)),
      // For tests and embedding: listeners whose port flag is not given bind to a free port.
      toggle("--ephemeral-ports", "Bind listeners without a port flag to free ports.",
          c -> c.ephemeralPorts = true)
          .hide(),
      option("--min-tls-version", "<1.3|1.2>", "The oldest TLS version accepted.",
          (c, v) -> c.minTlsVersion = v)
          .defaultingTo("1.3"),
      option("--key-exchange-groups", "<group,...>",
          "Key exchange groups offered, most preferred first. Fewer, to match a peer's policy:"
              + " X25519, P-256.",
          (c, v) -> c.keyExchangeGroups = List.of(v.split(",", -1)))
          .defaultingTo(KeyExchangeGroups.PREFERRED_FLAG),
      option("--outbound-session-resumption", "<true|false>",
          "Offer upstream proxies to resume an earlier TLS session (false: every outbound"
              + " connection makes a full handshake).",
          (c, v) -> c.outboundSessionResumption = bool(v))
          .defaultingTo("true"),
      option("--handshake-timeout", "<duration>",
          "From accept to admission: detection, handshake, identity, policy.",
          (c, v) -> c.handshakeTimeout = KubeDuration.parse(v))
          .defaultingTo("10s"),
      option("--protocol-detection-timeout", "<duration>",
          "On PERMISSIVE ports, silence after which a client is taken for plaintext.",
          (c, v) -> c.protocolDetectionTimeout = KubeDuration.parse(v))
          .defaultingTo("1s"),
      option("--idle-timeout", "<duration>",
          "A connection with no bytes either way for this long is closed.",
          (c, v) -> c.idleTimeout = KubeDuration.parse(v))
          .defaultingTo("1h"),
      option("--connect-timeout", "<duration>",
          "Connecting to the application or the upstream.",
          (c, v) -> c.connectTimeout = KubeDuration.parse(v))
          .defaultingTo("5s"),
      option("--drain-timeout", "<duration>",
          "How long a shutdown waits for open connections (by default from"
              + " --termination-grace-period, see docs/sidecar.md; 5s without one).",
          (c, v) -> c.drainTimeout = KubeDuration.parse(v)),
      option("--termination-grace-period", "<seconds>",
          "The pod's terminationGracePeriodSeconds: bounds the drain (env "
              + Env.TERMINATION_GRACE_PERIOD_SECONDS + ").",
          (c, v) -> c.terminationGracePeriodSeconds = (long) whole(v))
          .fromEnvironment(Env.TERMINATION_GRACE_PERIOD_SECONDS),
      option("--worker-threads", "<n>",
          "Event loop threads (0: one per CPU of --cpu-request, else per CPU).",
          (c, v) -> c.workerThreads = whole(v))
          .defaultingTo("0"),
      option("--cpu-request", "<millicores>",
          "The container's CPU request, which sizes the event loops (env "
              + Env.CPU_REQUEST_MILLICORES + ").", (c, v) -> c.cpuRequestMillicores = whole(v))
          .fromEnvironment(Env.CPU_REQUEST_MILLICORES),
      option("--max-connections", "<n>",
          "Connections open at once before new ones are refused (by default from the"
              + " container's memory limit; 0: no limit).",
          (c, v) -> c.maxConnections = whole(v)),
      option("--metrics-peer-limit", "<n>",
          "Distinct peer identities the traffic metrics name in their peer label; the rest are"
              + " counted as 'other'.", (c, v) -> c.metricsPeerLimit = whole(v))
          .defaultingTo("" + PeerLabels.DEFAULT_LIMIT),
      option("--transport", "<epoll|nio>",
          "The socket transport (by default epoll on Linux; see docs/sidecar.md).",
          (c, v) -> c.transport = v)));

  String trustDomain;
  URI operatorEndpoint;
  Path cert;
  Path key;
  Path caBundle;
  URI caEndpoint;
  Path tokenFile;
  URI configEndpoint;
  String podName;
  Duration pemReloadInterval;
  Path config;
  Port inboundTargetPort;
  InboundDelivery inboundDelivery;
  String outboundTarget;
  String listenAddress;
  String adminAddress;
  Port inboundPort;
  Port outboundPort;
  Port adminPort;
  boolean ephemeralPorts;
  String minTlsVersion;
  List<String> keyExchangeGroups;
  boolean outboundSessionResumption;
  Duration handshakeTimeout;
  Duration protocolDetectionTimeout;
  Duration idleTimeout;
  Duration connectTimeout;
  Duration drainTimeout;
  Long terminationGracePeriodSeconds;
  int workerThreads;
  Integer cpuRequestMillicores;
  Integer maxConnections;
  int metricsPeerLimit;
  String transport;

  private ProxyCommand() {}

  /**
   * Runs the proxy with the process's environment and streams until it shuts down.
   *
   * @param redirected the SO_ORIGINAL_DST resolver for iptables-redirected connections, used for
   *     each direction without a fixed target flag; null if there is none
   * @return the exit code: 0 after a clean shutdown or {@code --help}, 2 for bad flags, 1 if it
   *     could not start
   */
  public static int run(String[] args, OriginalDestinationResolver redirected) {
    return run(args, System.getenv(), System.out, System.err, redirected);
  }

  /** {@link #run(String[], OriginalDestinationResolver)} with the environment and streams given. */
  public static int run(String[] args, Map<String, String> environment, PrintStream out,
      PrintStream err, OriginalDestinationResolver redirected) {
    ProxyAssembly assembly;
    try {
      assembly = ProxyAssembly.of(flags(environment, args), redirected);
    } catch (HelpRequested e) {
      out.print(FLAGS.usage());
      out.flush();
      return 0;
    } catch (IllegalArgumentException e) {
      err.println(NAME + ": " + e.getMessage());
      err.println("run '" + NAME + " --help' for the flags");
      return 2;
    }
    try {
      return ProxyLifecycle.run(assembly);
    } catch (RuntimeException e) {
      err.println(NAME + ": " + e);
      return 1;
    }
  }

  /**
   * Starts the proxy the flags describe (the environment is not read), exactly as
   * {@link #run} does, and returns it running: for embedding it (tests against a real operator).
   *
   * @throws IllegalArgumentException for bad flags
   */
  public static RunningProxy start(String[] args, OriginalDestinationResolver redirected)
      throws InterruptedException {
    return ProxyAssembly.of(parse(Map.of(), args), redirected).start();
  }

  /**
   * Parses and assembles {@code args} as {@link #run} does, starting nothing: {@code selfcheck}
   * runs it, which also puts this path in the AOT cache its run records at packaging.
   *
   * @throws IllegalArgumentException for bad flags
   */
  public static void check(Map<String, String> environment, String... args) {
    ProxyAssembly.of(parse(environment, args), null);
  }

  /**
   * The flags {@code args} give, with defaults from {@code environment}; for tests and embedding.
   *
   * @throws IllegalArgumentException for bad flags, {@code --help} included
   */
  static ProxyCommand parse(Map<String, String> environment, String[] args) {
    try {
      return flags(environment, args);
    } catch (HelpRequested e) {
      throw new IllegalArgumentException("--help is not a flag to embed", e);
    }
  }

  private static ProxyCommand flags(Map<String, String> environment, String[] args)
      throws HelpRequested {
    return FLAGS.parse(new ProxyCommand(), environment, args);
  }

  private static Flag<ProxyCommand> option(String name, String paramLabel, String description,
      Flag.Setter<ProxyCommand> setter) {
    return Flag.option(name, paramLabel, description, setter);
  }

  private static Flag<ProxyCommand> toggle(String name, String description,
      Consumer<ProxyCommand> set) {
    return Flag.toggle(name, description, (c, v) -> set.accept(c));
  }

  private static URI uri(String text) {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + text + "' is not a URL: " + e.getReason(), e);
    }
  }

  private static int whole(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a whole number", e);
    }
  }

  private static boolean bool(String text) {
    return switch (text) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("'" + text + "' is not true or false");
    };
  }
}
