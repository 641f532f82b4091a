package dev.palisade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.testing.ControlPlane;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** The palisade command run in the test JVM against the test control plane, as a user would. */
record CliRun(int status, String out, String err) {

  /** With the test control plane's admin kubeconfig. */
  static CliRun run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--kubeconfig", ControlPlane.get().kubeconfig().toString()));
    return offline(all.toArray(String[]::new));
  }

  /** As given (commands that contact no cluster). */
  static CliRun offline(String... all) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int status = cli.execute(all);
    return new CliRun(status, out.toString(), err.toString());
  }

  JsonNode json() {
    try {
      return new ObjectMapper().readTree(out);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + out + err, e);
    }
  }

  /** The check of that name in a {@code check -o json} report (the first, if several). */
  JsonNode check(String name) {
    for (JsonNode check : json().path("checks")) {
      if (check.path("check").asText().equals(name)) {
        return check;
      }
    }
    throw new AssertionError("no check " + name + " in " + out);
  }

  @Override
  public String toString() {
    return "status " + status + "\n" + out + err;
  }
}
