package dev.palisade.sidecar.intercept;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.sidecar.intercept.InitCommand.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden files in {@code src/test/resources/golden/iptables/}: {@code <case>.args} (the init
 * flags), optionally a captured {@code iptables-save -t nat} of the namespace, and
 * {@code <case>.rules}, the exact script. After an intended change to the rules, regenerate with
 * {@code -Dpalisade.golden.update=true} and review the diff.
 */
class IptablesRulesGoldenTest {

  private static final Path DIR = Path.of(System.getProperty("basedir", "."), "src/test/resources/golden/iptables");

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "defaults,",
      "exclusions,",
      "custom-ports,",
      "normalized,",
      "reapply-over-previous-run, previous-run.iptables-save",
      "cleanup-previous-run, previous-run.iptables-save",
      "cleanup-clean-namespace, clean.iptables-save",
      "exclusions-ipv6,",
  })
  void flagsAndCurrentTableGiveTheExactScript(String name, String currentNat) throws Exception {
    List<String> args = Arrays.stream(read(name + ".args").strip().split("\\s+")).filter(a -> !a.isEmpty()).toList();
    InitCommand options = InitCommand.parse(args);
    String current = currentNat == null ? "" : read(currentNat);

    IpFamily family = name.endsWith("-ipv6") ? IpFamily.IPV6 : IpFamily.IPV4;
    String script = options.mode() == Mode.CLEANUP
        ? IptablesRules.removalScript(current)
        : IptablesRules.script(options.config(), current, family);

    Path expected = DIR.resolve(name + ".rules");
    if (Boolean.getBoolean("palisade.golden.update")) {
      Files.writeString(expected, script);
    }
    assertThat(script).isEqualTo(Files.readString(expected));
  }

  /** The IPv6 defaults, which `init --dry-run` prints after the IPv4 ones. */
  @Test
  void ipv6Defaults() throws Exception {
    String script = IptablesRules.script(InterceptConfig.defaults(), "", IpFamily.IPV6);
    Path expected = DIR.resolve("defaults-ipv6.rules");
    if (Boolean.getBoolean("palisade.golden.update")) {
      Files.writeString(expected, script);
    }
    assertThat(script).isEqualTo(Files.readString(expected));
  }

  @Test
  void aCleanNamespaceGetsTheSameScriptAsNoNamespace() throws Exception {
    InterceptConfig config = InterceptConfig.defaults();
    assertThat(IptablesRules.script(config, read("clean.iptables-save"))).isEqualTo(IptablesRules.script(config));
  }

  private static String read(String file) throws IOException {
    return Files.readString(DIR.resolve(file));
  }
}
