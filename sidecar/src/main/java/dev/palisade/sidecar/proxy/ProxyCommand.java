package dev.palisade.sidecar.proxy;

import dev.palisade.common.net.Port;
import dev.palisade.common.sidecar.SidecarContract;
import dev.palisade.common.sidecar.SidecarContract.Env;
import dev.palisade.sidecar.cli.Cli;
import dev.palisade.sidecar.cli.FromEnvironment;
import dev.palisade.sidecar.metrics.PeerLabels;
import dev.palisade.sidecar.tls.KeyExchangeGroups;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code palisade-proxy proxy}: the flags (docs/sidecar.md). {@link ProxyAssembly} turns them
 * into a proxy, {@link ProxyLifecycle} runs it until {@code POST /shutdown} or SIGTERM. In an
 * injected pod every flag it needs comes from the environment the operator sets
 * ({@link SidecarContract.Env}).
 */
@Command(name = "proxy", sortOptions = false,
    usageHelpAutoWidth = true, showDefaultValues = true,
    description = {"Runs the mTLS proxy: :" + SidecarContract.INBOUND_PORT + " inbound, :"
        + SidecarContract.OUTBOUND_PORT + " outbound, :" + SidecarContract.ADMIN_PORT + " admin.",
        "The certificate comes from PEM files (--cert, --key) or from the operator's CA"
            + " (--ca-endpoint, --token-file); the policy from a file (--config) or from the"
            + " operator's config service (--config-endpoint, --pod-name). With"
            + " --operator-endpoint (as injected) both come from the operator.",
        "Durations are written like 500ms, 10s, 1h."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:shut down cleanly", "1:could not start", "2:bad flags"})
public final class ProxyCommand implements Callable<Integer>, FromEnvironment {

  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--trust-domain", paramLabel = "<td>",
      description = "Peers must have SPIFFE IDs in this trust domain (required; env "
          + Env.TRUST_DOMAIN + ").")
  String trustDomain;

  @Option(names = "--operator-endpoint", paramLabel = "<url>",
      description = "The operator (https://palisade-operator.<namespace>.svc:443): the default of"
          + " --ca-endpoint unless --cert is given, and of --config-endpoint unless --config is"
          + " (env " + Env.OPERATOR_ENDPOINT + ").")
  URI operatorEndpoint;

  @Option(names = "--cert", paramLabel = "<tls.crt>",
      description = "PEM certificate chain, leaf first.")
  Path cert;

  @Option(names = "--key", paramLabel = "<tls.key>", description = "PEM PKCS#8 private key.")
  Path key;

  @Option(names = "--ca-bundle", paramLabel = "<ca.crt>",
      description = "PEM trust bundle: verifies peers, and the operator (env "
          + Env.TRUST_BUNDLE_FILE + ").")
  Path caBundle;

  @Option(names = "--ca-endpoint", paramLabel = "<url>",
      description = "Instead of --cert/--key: obtain and renew the certificate from the"
          + " operator's /v1/certificates with the projected ServiceAccount token.")
  URI caEndpoint;

  @Option(names = "--token-file", paramLabel = "<path>",
      description = "The projected ServiceAccount token (audience " + SidecarContract.TOKEN_AUDIENCE
          + "; env " + Env.TOKEN_FILE + ").")
  Path tokenFile;

  @Option(names = "--config-endpoint", paramLabel = "<url>",
      description = "Instead of --config: long-poll the operator's /v1/config for this pod's"
          + " policy; the last one stays in force while the operator is gone.")
  URI configEndpoint;

  @Option(names = "--pod-name", paramLabel = "<name>",
      description = "This pod, for --config-endpoint (env " + Env.POD_NAME + ").")
  String podName;

  @Option(names = "--pem-reload-interval", paramLabel = "<duration>", defaultValue = "10s",
      description = "How often the PEM files are checked for changes.")
  Duration pemReloadInterval;

  @Option(names = "--config", paramLabel = "<sidecar-config.json>",
      description = "Inbound/outbound policy as JSON (default: STRICT, no rules).")
  Path config;

  @Option(names = "--inbound-target-port", paramLabel = "<port>",
      description = "Relay every inbound connection to 127.0.0.1:<port> (without iptables;"
          + " otherwise SO_ORIGINAL_DST).")
  Port inboundTargetPort;

  @Option(names = "--inbound-delivery", paramLabel = "<pod-address|loopback>",
      defaultValue = "pod-address", converter = InboundDeliveryConverter.class,
      description = "Hand inbound connections to the address the client dialled (default), or"
          + " to 127.0.0.1 for applications that listen on localhost only (docs/sidecar.md).")
  InboundDelivery inboundDelivery;

  @Option(names = "--outbound-target", paramLabel = "<ip:port>",
      description = "Relay every outbound connection to <ip:port> (without iptables).")
  String outboundTarget;

  @Option(names = "--listen-address", paramLabel = "<ip>", defaultValue = "*",
      description = "Address of the inbound and outbound listeners (default *: every address,"
          + " IPv6 and IPv4).")
  String listenAddress;

  @Option(names = "--admin-address", paramLabel = "<ip>", defaultValue = "*",
      description = "Address of the admin port (default *: every address).")
  String adminAddress;

  @Option(names = "--inbound-port", paramLabel = "<port>",
      description = "Default: " + SidecarContract.INBOUND_PORT + ".")
  Port inboundPort;

  @Option(names = "--outbound-port", paramLabel = "<port>",
      description = "Default: " + SidecarContract.OUTBOUND_PORT + ".")
  Port outboundPort;

  @Option(names = "--admin-port", paramLabel = "<port>",
      description = "Default: " + SidecarContract.ADMIN_PORT + ".")
  Port adminPort;

  /** For tests and embedding: listeners whose port flag is not given bind to a free port. */
  @Option(names = "--ephemeral-ports", hidden = true)
  boolean ephemeralPorts;

  @Option(names = "--min-tls-version", paramLabel = "<1.3|1.2>", defaultValue = "1.3",
      description = "The oldest TLS version accepted.")
  String minTlsVersion;

  @Option(names = "--key-exchange-groups", paramLabel = "<group,...>", split = ",",
      defaultValue = KeyExchangeGroups.PREFERRED_FLAG,
      description = "Key exchange groups offered, most preferred first (default: ${DEFAULT-VALUE})."
          + " Fewer, to match a peer's policy: X25519, P-256.")
  List<String> keyExchangeGroups;

  @Option(names = "--outbound-session-resumption", paramLabel = "<true|false>", arity = "1",
      defaultValue = "true",
      description = "Offer upstream proxies to resume an earlier TLS session (false: every outbound"
          + " connection makes a full handshake).")
  boolean outboundSessionResumption;

  @Option(names = "--handshake-timeout", paramLabel = "<duration>", defaultValue = "10s",
      description = "From accept to admission: detection, handshake, identity, policy.")
  Duration handshakeTimeout;

  @Option(names = "--protocol-detection-timeout", paramLabel = "<duration>", defaultValue = "1s",
      description = "On PERMISSIVE ports, silence after which a client is taken for plaintext.")
  Duration protocolDetectionTimeout;

  @Option(names = "--idle-timeout", paramLabel = "<duration>", defaultValue = "1h",
      description = "A connection with no bytes either way for this long is closed.")
  Duration idleTimeout;

  @Option(names = "--connect-timeout", paramLabel = "<duration>", defaultValue = "5s",
      description = "Connecting to the application or the upstream.")
  Duration connectTimeout;

  @Option(names = "--drain-timeout", paramLabel = "<duration>",
      description = "How long a shutdown waits for open connections (default: from"
          + " --termination-grace-period, see docs/sidecar.md; 5s without one).")
  Duration drainTimeout;

  @Option(names = "--termination-grace-period", paramLabel = "<seconds>",
      description = "The pod's terminationGracePeriodSeconds: bounds the drain (env "
          + Env.TERMINATION_GRACE_PERIOD_SECONDS + ").")
  Long terminationGracePeriodSeconds;

  @Option(names = "--worker-threads", paramLabel = "<n>", defaultValue = "0",
      description = "Event loop threads (0: one per CPU of --cpu-request, else per CPU).")
  int workerThreads;

  @Option(names = "--cpu-request", paramLabel = "<millicores>",
      description = "The container's CPU request, which sizes the event loops (env "
          + Env.CPU_REQUEST_MILLICORES + ").")
  Integer cpuRequestMillicores;

  @Option(names = "--max-connections", paramLabel = "<n>",
      description = "Connections open at once before new ones are refused (default: from the"
          + " container's memory limit; 0: no limit).")
  Integer maxConnections;

  @Option(names = "--metrics-peer-limit", paramLabel = "<n>",
      defaultValue = "" + PeerLabels.DEFAULT_LIMIT,
      description = "Distinct peer identities the traffic metrics name in their peer label; the"
          + " rest are counted as 'other' (default: ${DEFAULT-VALUE}).")
  int metricsPeerLimit;

  @Option(names = "--transport", paramLabel = "<epoll|nio>",
      description = "The socket transport (default: epoll on Linux; see docs/sidecar.md).")
  String transport;

  private final OriginalDestinationResolver redirected;

  /**
   * @param redirected the SO_ORIGINAL_DST resolver for iptables-redirected connections, used for
   *     each direction without a fixed target flag; null if there is none
   */
  public ProxyCommand(OriginalDestinationResolver redirected) {
    this.redirected = redirected;
  }

  @Override
  public Map<String, String> environmentVariables() {
    return Map.of("--trust-domain", Env.TRUST_DOMAIN,
        "--operator-endpoint", Env.OPERATOR_ENDPOINT,
        "--ca-bundle", Env.TRUST_BUNDLE_FILE,
        "--token-file", Env.TOKEN_FILE,
        "--pod-name", Env.POD_NAME,
        "--termination-grace-period", Env.TERMINATION_GRACE_PERIOD_SECONDS,
        "--cpu-request", Env.CPU_REQUEST_MILLICORES);
  }

  @Override
  public Integer call() {
    return ProxyLifecycle.run(assembly());
  }

  /** What the flags ask for; bad combinations are usage errors (exit 2). */
  ProxyAssembly assembly() {
    try {
      return ProxyAssembly.of(this, redirected);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  /**
   * Runs the proxy with the process's environment until it shuts down.
   *
   * @return the exit code: 0 after a clean shutdown, 2 for bad flags, 1 if it could not start
   */
  public static int run(String[] args, OriginalDestinationResolver redirected) {
    return Cli.run(new ProxyCommand(redirected), args);
  }

  /**
   * Starts the proxy the flags describe (the environment is not read), exactly as
   * {@link #run} does, and returns it running: for embedding it (tests against a real operator).
   *
   * @throws IllegalArgumentException for bad flags
   */
  public static RunningProxy start(String[] args, OriginalDestinationResolver redirected)
      throws InterruptedException {
    return ProxyAssembly.of(parse(Map.of(), args, redirected), redirected).start();
  }

  /** The command with {@code args} parsed against {@code environment}; for tests and embedding. */
  static ProxyCommand parse(Map<String, String> environment, String[] args,
      OriginalDestinationResolver redirected) {
    ProxyCommand command = new ProxyCommand(redirected);
    try {
      Cli.commandLine(command, environment, System.out, System.err).parseArgs(args);
      return command;
    } catch (ParameterException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
