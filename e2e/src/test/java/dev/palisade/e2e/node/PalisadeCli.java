package dev.palisade.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.testing.RepoFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged command line ({@code cli/target/palisade-cli}) against the node's cluster. */
final class PalisadeCli {
  private PalisadeCli() {}

  record Run(int status, String out, String err) {
    JsonNode json() throws IOException {
      return new ObjectMapper().readTree(out);
    }
  }

  /** {@code palisade ARGS}. */
  static Run palisade(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(bin().resolve("palisade").toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--kubeconfig", System.getenv("PALISADE_E2E_KUBECONFIG")));
    return run(command);
  }

  /** {@code kubectl palisade ARGS}: kubectl finds bin/kubectl-palisade on PATH. */
  static Run kubectlPalisade(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getenv("PALISADE_KUBE_BIN"), "kubectl").toString(), "palisade"));
    command.addAll(List.of(args));
    command.addAll(List.of("--kubeconfig", System.getenv("PALISADE_E2E_KUBECONFIG")));
    return run(command);
  }

  private static Path bin() {
    return RepoFiles.resolve("cli/target/palisade-cli/bin");
  }

  private static Run run(List<String> command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("PATH", bin() + ":" + System.getenv("PATH"));
    builder.environment().put("PALISADE_JAVA",
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Path err = Files.createTempFile("palisade", ".err");
    builder.redirectError(err.toFile());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("palisade exited").isTrue();
    String stderr = Files.readString(err);
    Files.delete(err);
    return new Run(process.exitValue(), out, stderr);
  }
}
