package dev.palisade.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.sidecar.testing.NetworkNamespace;
import dev.palisade.testing.CommandLine.Result;
import dev.palisade.sidecar.testing.ProxyDistribution;
import dev.palisade.testing.TestCa;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/palisade-proxy as packaged: its JVM flags, its AOT cache, its exit codes. */
class LauncherIT {

  private static final TestCa CA = TestCa.create("cluster.local");

  private final ProxyDistribution proxy = ProxyDistribution.built();

  @Test
  void selfcheckRunsWithTheProductionFlagsAndTheAotCacheBuiltAtPackageTime() {
    // AOTMode=on makes the JVM refuse to start unless it can map the cache: a stale, missing or
    // flag-mismatched cache fails here instead of silently costing startup time in every pod.
    Result result = NetworkNamespace.host(proxy.command(
        Map.of("PALISADE_JAVA_OPTS", "-XX:AOTMode=on -XX:+PrintCommandLineFlags"),
        "selfcheck", "3"));

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).contains("selfcheck passed: 3 mTLS connections")
        .contains("-XX:+UseSerialGC", "-XX:+UseCompactObjectHeaders", "-XX:TieredStopAtLevel=1",
            "-XX:MaxHeapSize=" + 48 * 1024 * 1024, "-XX:MaxDirectMemorySize=" + 64 * 1024 * 1024);
  }

  @Test
  void theHeapCanBeSizedForTheWorkload() {
    Result result = NetworkNamespace.host(proxy.command(
        Map.of("PALISADE_HEAP", "96m", "PALISADE_JAVA_OPTS", "-XX:+PrintCommandLineFlags"),
        "selfcheck", "1"));

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).contains("-XX:MaxHeapSize=" + 96 * 1024 * 1024);
  }

  /**
   * The kubelet stops the proxy with SIGTERM, possibly the moment it is ready: it drains, then
   * exits. (The shutdown hook is registered before the proxy can be ready; this test polls too
   * slowly to hit the window where it once was not, which a 2 ms poller did: docs/benchmarks.md.)
   */
  @Test
  void aSigtermAsSoonAsItIsReadyIsDrained(@TempDir Path dir) throws Exception {
    TestCa.PemFiles pem = CA.write(CA.leaf(CA.identity("shop", "cart")), dir, "tls");
    Path log = dir.resolve("proxy.log");
    ProcessBuilder builder = new ProcessBuilder(proxy.command("proxy",
        "--trust-domain=cluster.local", "--cert=" + pem.chain(), "--key=" + pem.key(),
        "--ca-bundle=" + pem.bundle(), "--inbound-target-port=1", "--outbound-target=127.0.0.1:1",
        "--listen-address=127.0.0.1", "--admin-address=127.0.0.1", "--ephemeral-ports"))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    // as injected: the pod's grace period bounds the drain (3 s less the margin)
    builder.environment().put("PALISADE_TERMINATION_GRACE_PERIOD_SECONDS", "3");
    Process process = builder.start();
    try (HttpClient http = HttpClient.newHttpClient()) {
      // Its admin port, as it logs it once bound (an ephemeral one: a port picked here and
      // closed could be taken by another process before the proxy binds it).
      int admin = awaitLogged(process, log);
      HttpRequest ready = HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + admin + "/healthz/ready")).build();
      try {
        await("ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2))
            .failFast("the proxy exited", () -> !process.isAlive())
            .until(() -> {
              try {
                return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode()
                    == 200;
              } catch (IOException e) {
                return false; // not listening yet
              }
            });
      } catch (org.awaitility.core.ConditionTimeoutException
          | org.awaitility.core.TerminalFailureException e) {
        throw new AssertionError(e.getMessage() + "; the proxy's log:\n" + readQuietly(log), e);
      }
      // The admin endpoints on the packaged classpath (no BouncyCastle there): /identity too.
      HttpResponse<String> identity = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + admin + "/identity")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(identity.statusCode()).as(identity.body()).isEqualTo(200);
      assertThat(identity.body()).contains("spiffe://cluster.local/ns/shop/sa/cart")
          .contains("-----BEGIN CERTIFICATE-----");
      process.destroy(); // SIGTERM
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      process.destroyForcibly();
    }
    assertThat(Files.readString(log)).contains("draining 0 connections for up to PT1S")
        .doesNotContain("Exception");
  }

  @Test
  void aBadFlagExitsWithTwoAndSaysWhatIsWrong() {
    Result result = NetworkNamespace.host(proxy.command("proxy", "--no-such-flag=1"));

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("Unknown option: '--no-such-flag=1'")
        .contains("run 'palisade-proxy proxy --help' for the flags");
  }

  @Test
  void proxyHelpPrintsTheFlagsAndExitsZero() {
    Result result = NetworkNamespace.host(proxy.command("proxy", "--help"));

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).startsWith("Usage: palisade-proxy proxy")
        .contains("--trust-domain", "PALISADE_OPERATOR_ENDPOINT");
  }

  @Test
  void anUnknownCommandPrintsTheCommands() {
    Result result = NetworkNamespace.host(proxy.command("serve"));

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("init", "proxy", "selfcheck");
  }

  private static final java.util.regex.Pattern ADMIN =
      java.util.regex.Pattern.compile("admin /127\\.0\\.0\\.1:(\\d+)");

  private static int awaitLogged(Process process, Path log) {
    try {
      return await("the admin port in the log").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(5))
          .failFast("the proxy exited", () -> !process.isAlive())
          .until(() -> {
            java.util.regex.Matcher m = ADMIN.matcher(readQuietly(log));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
          }, port -> port > 0);
    } catch (org.awaitility.core.ConditionTimeoutException
        | org.awaitility.core.TerminalFailureException e) {
      throw new AssertionError(e.getMessage() + "; the proxy's log:\n" + readQuietly(log), e);
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
