package dev.palisade.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.sidecar.testing.NetworkNamespace;
import dev.palisade.sidecar.testing.NetworkNamespace.Result;
import dev.palisade.sidecar.testing.ProxyDistribution;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** bin/palisade-proxy as packaged: its JVM flags, its AOT cache, its exit codes. */
class LauncherIT {

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
        .contains("-XX:+UseSerialGC", "-XX:+UseCompactObjectHeaders",
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

  @Test
  void aBadFlagExitsWithTwoAndSaysWhatIsWrong() {
    Result result = NetworkNamespace.host(proxy.command("proxy", "--no-such-flag=1"));

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("unknown flag --no-such-flag").contains("usage: proxy");
  }

  @Test
  void anUnknownCommandPrintsTheCommands() {
    Result result = NetworkNamespace.host(proxy.command("serve"));

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("init", "proxy", "selfcheck");
  }
}
