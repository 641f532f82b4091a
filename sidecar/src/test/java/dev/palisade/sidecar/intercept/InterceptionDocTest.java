package dev.palisade.sidecar.intercept;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/interception.md shows the real default script, not an old copy. */
class InterceptionDocTest {

  @Test
  void theDocShowsTheDefaultScript() throws Exception {
    Path module = Path.of(System.getProperty("basedir", "."));
    String doc = Files.readString(module.resolve("../docs/interception.md"));

    assertThat(doc)
        .as("docs/interception.md must contain src/test/resources/golden/iptables/defaults.rules verbatim")
        .contains("```text\n" + IptablesRules.script(InterceptConfig.defaults()) + "```\n");
  }
}
