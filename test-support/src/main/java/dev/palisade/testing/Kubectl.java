package dev.palisade.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the real kubectl binary against the test control plane. */
public final class Kubectl {

  private final ControlPlane controlPlane;

  public Kubectl(ControlPlane controlPlane) {
    this.controlPlane = controlPlane;
  }

  public CommandLine.Result run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(controlPlane.binaries().resolve("kubectl").toString());
    command.add("--kubeconfig=" + controlPlane.kubeconfig());
    command.addAll(List.of(args));
    return CommandLine.run(command);
  }

  public CommandLine.Result apply(Path file, String namespace) {
    return run("apply", "--namespace=" + namespace, "-f", file.toString());
  }
}
