package dev.palisade.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The commands of {@code palisade-proxy} as the launcher dispatches them. */
class MainTest {

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int exit = Main.commandLine(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
    return new Run(exit, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void proxyHelpPrintsTheFlagsAndExitsZero() {
    Run run = run("proxy", "--help");

    assertThat(run.exit).isZero();
    assertThat(run.err).isEmpty();
    assertThat(run.out).startsWith("Usage: palisade-proxy proxy")
        .contains("--trust-domain", "env PALISADE_TRUST_DOMAIN", "--ca-endpoint", "--config",
            "--inbound-target-port", "--drain-timeout", "--termination-grace-period",
            "PALISADE_TERMINATION_GRACE_PERIOD_SECONDS", "Default: 10s")
        .doesNotContain("--ephemeral-ports");
  }

  @ParameterizedTest
  @ValueSource(strings = {"init", "selfcheck"})
  void everyCommandHasHelp(String command) {
    Run run = run(command, "--help");

    assertThat(run.exit).isZero();
    assertThat(run.out).startsWith("Usage: palisade-proxy " + command);
  }

  @Test
  void theTopLevelListsTheCommands() {
    Run run = run("--help");

    assertThat(run.exit).isZero();
    assertThat(run.out).contains("init", "proxy", "selfcheck");
  }

  @Test
  void noCommandOrAnUnknownOneIsAUsageError() {
    assertThat(run().exit).isEqualTo(2);
    Run unknown = run("sidecar");
    assertThat(unknown.exit).isEqualTo(2);
    assertThat(unknown.err).startsWith("palisade-proxy: Unmatched argument");
  }

  @Test
  void aBadFlagNamesTheCommandAndPointsAtItsHelp() {
    Run run = run("proxy", "--inbound-port=0");

    assertThat(run.exit).isEqualTo(2);
    assertThat(run.err).isEqualTo("palisade-proxy proxy: Invalid value for option"
        + " '--inbound-port': '0' is not a port (1..65535)\n"
        + "run 'palisade-proxy proxy --help' for the flags\n");
  }
}
