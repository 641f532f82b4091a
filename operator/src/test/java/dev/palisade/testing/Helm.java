package dev.palisade.testing;

import java.util.ArrayList;
import java.util.List;

/** Runs the real helm binary; {@link #template} renders the chart as `helm install` would. */
public final class Helm {

  private final ControlPlane controlPlane;

  public Helm(ControlPlane controlPlane) {
    this.controlPlane = controlPlane;
  }

  /** The chart's manifests (CRDs excluded) for a release in {@code namespace}. */
  public String template(String namespace, String... setValues) {
    List<String> command = new ArrayList<>(List.of(
        controlPlane.binaries().resolve("helm").toString(), "template", "palisade",
        RepoFiles.resolve("charts/palisade").toString(), "--namespace", namespace));
    for (String value : setValues) {
      command.add("--set");
      command.add(value);
    }
    return CommandLine.run(command).orThrow();
  }
}
