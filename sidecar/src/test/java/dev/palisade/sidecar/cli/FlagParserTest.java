package dev.palisade.sidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.sidecar.cli.FlagParser.HelpRequested;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlagParserTest {

  private static final class Target {
    String name = "initial";
    int count;
    boolean quiet;
  }

  private static final FlagParser<Target> PARSER = new FlagParser<>("tool run",
      List.of("Runs the tool."), List.of(
      Flag.<Target>option("--name", "<n>", "Who.", (t, v) -> t.name = v)
          .fromEnvironment("TOOL_NAME"),
      Flag.<Target>option("--count", "<n>", "How many.", (t, v) -> t.count = Integer.parseInt(v))
          .defaultingTo("3"),
      Flag.<Target>toggle("--quiet", "Say less.", (t, v) -> t.quiet = true).hide()));

  @Test
  void theCommandLineWinsOverTheEnvironmentWhichWinsOverTheDefault() throws Exception {
    Target flags = PARSER.parse(new Target(), Map.of("TOOL_NAME", "env"), "--name", "arg",
        "--count=5", "--quiet");
    assertThat(flags.name).isEqualTo("arg");
    assertThat(flags.count).isEqualTo(5);
    assertThat(flags.quiet).isTrue();

    Target fromEnvironment = PARSER.parse(new Target(), Map.of("TOOL_NAME", "env"));
    assertThat(fromEnvironment.name).isEqualTo("env");
    assertThat(fromEnvironment.count).isEqualTo(3);
    assertThat(fromEnvironment.quiet).isFalse();

    assertThat(PARSER.parse(new Target(), Map.of("TOOL_NAME", " ")).name)
        .as("a blank variable gives nothing").isEqualTo("initial");
  }

  @Test
  void mistakesNameTheFlag() {
    assertThatThrownBy(() -> PARSER.parse(new Target(), Map.of(), "--nmae=x"))
        .hasMessage("Unknown option: '--nmae=x'");
    assertThatThrownBy(() -> PARSER.parse(new Target(), Map.of(), "name"))
        .hasMessage("Unknown option: 'name'");
    assertThatThrownBy(() -> PARSER.parse(new Target(), Map.of(), "--count=x"))
        .hasMessageStartingWith("Invalid value for option '--count': ");
    assertThatThrownBy(() -> PARSER.parse(new Target(), Map.of(), "--count"))
        .hasMessage("Missing required parameter for option '--count' (<n>)");
    assertThatThrownBy(() -> PARSER.parse(new Target(), Map.of(), "--name=a", "--name=b"))
        .hasMessage("option '--name' should be specified only once");
    assertThatThrownBy(() -> PARSER.parse(new Target(), Map.of(), "--quiet=yes"))
        .hasMessage("option '--quiet' takes no value");
  }

  @Test
  void helpListsTheVisibleFlagsWithTheirDefaults() {
    assertThatThrownBy(() -> PARSER.parse(new Target(), Map.of(), "--count=1", "-h"))
        .isInstanceOf(HelpRequested.class);
    assertThat(PARSER.usage()).startsWith("Usage: tool run [flags]\nRuns the tool.\n")
        .contains("--name=<n>\n      Who.\n", "--count=<n>\n      How many. Default: 3.\n",
            "-h, --help")
        .doesNotContain("--quiet");
  }
}
