package dev.palisade.sidecar.selfcheck;

import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.common.sidecar.SidecarContract.Env;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.sidecar.proxy.FixedDestinationResolver;
import dev.palisade.sidecar.proxy.OriginalDestinationResolver;
import dev.palisade.sidecar.proxy.ProxyCommand;
import dev.palisade.sidecar.proxy.ProxyRuntime;
import dev.palisade.sidecar.proxy.ProxySettings;
import dev.palisade.sidecar.tls.InvalidTlsMaterialException;
import dev.palisade.sidecar.tls.TlsMaterial;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code palisade-proxy selfcheck}: two proxies on loopback with certificates from a throwaway
 * CA, and bytes sent through them (client -> outbound -> mTLS -> inbound -> echo) and checked.
 * It proves an installed sidecar works (BoringSSL loads, handshakes pass, bytes survive) without
 * an operator, and it is the training run that builds the sidecar's AOT cache at package time,
 * so it walks the same code a real proxy walks at startup and on its first connections.
 */
@Command(name = "selfcheck",
    description = "Sends random bytes through two proxies on loopback over mTLS (no operator"
        + " needed) and checks every byte.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every byte came back intact", "1:the check failed", "2:bad arguments"})
public final class SelfCheckCommand implements Callable<Integer> {

  private static final String TRUST_DOMAIN = "selfcheck.palisade.local";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Parameters(index = "0", arity = "0..1", paramLabel = "n", defaultValue = "20",
      description = "How many connections (default: ${DEFAULT-VALUE}).")
  int connections;

  /** Returns 0 if every byte came back intact, 1 otherwise (2 for a bad argument, by picocli). */
  @Override
  public Integer call() {
    if (connections < 1) {
      throw new ParameterException(spec.commandLine(), "n must be at least 1, not " + connections);
    }
    long started = System.nanoTime();
    try {
      checkTheFlags();
    } catch (IOException | IllegalArgumentException e) {
      spec.commandLine().getErr().println("selfcheck failed: " + e);
      return 1;
    }
    ThrowawayCa ca = new ThrowawayCa(TRUST_DOMAIN);
    try (EchoServer echo = EchoServer.start()) {
      WorkloadIdentity server = new WorkloadIdentity(TRUST_DOMAIN, "selfcheck", "server");
      WorkloadIdentity client = new WorkloadIdentity(TRUST_DOMAIN, "selfcheck", "client");
      try (ProxyRuntime b = proxy(ca, server, SidecarConfig.defaults(),
              FixedDestinationResolver.localPort(echo.port()), FixedDestinationResolver.localPort(1));
          ProxyRuntime a = proxy(ca, client, new SidecarConfig("selfcheck",
                  InboundPolicy.strictDefault(), new OutboundPolicy(Map.of(
                      "127.0.0.1:" + b.inboundAddress().getPort(), server.toSpiffeId()), true)),
              FixedDestinationResolver.localPort(1),
              new FixedDestinationResolver(b.inboundAddress()))) {
        requireReady(a);
        requireReady(b);
        for (int i = 0; i < connections; i++) {
          roundTrip(a.outboundAddress(), 1 + ThreadLocalRandom.current().nextInt(256 * 1024));
        }
      }
      spec.commandLine().getOut().printf("selfcheck passed: %d mTLS connections in %d ms%n",
          connections, Duration.ofNanos(System.nanoTime() - started).toMillis());
      return 0;
    } catch (Exception e) {
      spec.commandLine().getErr().println("selfcheck failed: " + e);
      return 1;
    }
  }

  /**
   * An injected pod's flags and a policy file parse. In the packaging's training run this also
   * records that path (and the JSON reader every proxy uses for its policy) in the AOT cache.
   */
  private static void checkTheFlags() throws IOException {
    Path policy = Files.createTempFile("palisade-selfcheck", ".json");
    try {
      Files.writeString(policy, "{\"version\": \"1\", \"inbound\": {\"defaultMode\": \"STRICT\"},"
          + " \"outbound\": {\"meshed\": {\"127.0.0.1:1\": \"spiffe://" + TRUST_DOMAIN
          + "/ns/selfcheck/sa/server\"}}}");
      ProxyCommand.check(Map.of(Env.TRUST_DOMAIN, TRUST_DOMAIN, Env.TRUST_BUNDLE_FILE, "ca.crt",
              Env.POD_NAME, "selfcheck", Env.TERMINATION_GRACE_PERIOD_SECONDS, "30",
              Env.CPU_REQUEST_MILLICORES, "100"),
          "--cert=tls.crt", "--key=tls.key", "--inbound-target-port=8080",
          "--outbound-target=127.0.0.1:1", "--handshake-timeout=10s", "--idle-timeout=1h",
          "--config=" + policy);
    } finally {
      Files.deleteIfExists(policy);
    }
  }

  private static ProxyRuntime proxy(ThrowawayCa ca, WorkloadIdentity identity,
      SidecarConfig config, OriginalDestinationResolver inbound,
      OriginalDestinationResolver outbound) throws InterruptedException, InvalidTlsMaterialException {
    ProxySettings settings = ProxySettings.builder(TRUST_DOMAIN)
        .ephemeral(InetAddress.getLoopbackAddress())
        .sidecarConfig(config)
        .workerThreads(1)
        .build();
    ProxyRuntime runtime = ProxyRuntime.start(settings, inbound, outbound);
    runtime.tls().publish(ca.issue(identity));
    return runtime;
  }

  /** The admin endpoint a kubelet probes says ready, and the metrics scrape. */
  private static void requireReady(ProxyRuntime runtime) throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
      URI admin = URI.create("http://127.0.0.1:" + runtime.adminAddress().getPort());
      for (String path : List.of("/healthz/ready", "/metrics")) {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(admin.resolve(path))
            .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          throw new IOException(path + " answered " + response.statusCode());
        }
      }
    }
  }

  /** Sends {@code size} random bytes, half-closes, and expects exactly them back. */
  private static void roundTrip(InetSocketAddress outbound, int size) throws IOException {
    byte[] sent = new byte[size];
    ThreadLocalRandom.current().nextBytes(sent);
    try (Socket socket = new Socket()) {
      socket.connect(outbound, (int) TIMEOUT.toMillis());
      socket.setSoTimeout((int) TIMEOUT.toMillis());
      Thread writer = Thread.ofVirtual().start(() -> {
        try {
          socket.getOutputStream().write(sent);
          socket.shutdownOutput();
        } catch (IOException e) {
          // the reader sees the connection end short
        }
      });
      byte[] received = socket.getInputStream().readAllBytes();
      writer.join();
      if (!Arrays.equals(sent, received)) {
        throw new IOException("sent " + size + " bytes, got " + received.length + " different back");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
