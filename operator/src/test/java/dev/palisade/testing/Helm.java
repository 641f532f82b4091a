package dev.palisade.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the real helm binary; {@link #template} renders the chart as `helm install` would. */
public final class Helm {

  private final Path binaries;

  public Helm(ControlPlane controlPlane) {
    this(controlPlane.binaries());
  }

  /** With the binaries of hack/build-kube-tools.sh, for rendering without a control plane. */
  public Helm() {
    this(KubeBinaries.directory());
  }

  private Helm(Path binaries) {
    this.binaries = binaries;
  }

  /** The chart's manifests (CRDs excluded) for a release in {@code namespace}. */
  public String template(String namespace, String... setValues) {
    List<String> command = new ArrayList<>(List.of(
        binaries.resolve("helm").toString(), "template", "palisade",
        RepoFiles.resolve("charts/palisade").toString(), "--namespace", namespace));
    for (String value : setValues) {
      command.add("--set");
      command.add(value);
    }
    return CommandLine.run(command).orThrow();
  }
}
