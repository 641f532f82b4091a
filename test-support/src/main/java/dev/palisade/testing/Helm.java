package dev.palisade.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the real helm binary; {@link #template} renders the chart as `helm install` would. */
public final class Helm {

  /** The release name the docs and scripts install (`helm install palisade ...`). */
  public static final String RELEASE = "palisade";

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

  /** The repository's chart, charts/palisade. */
  public static Path chart() {
    return RepoFiles.resolve("charts/palisade");
  }

  /**
   * The chart's manifests (CRDs excluded) for release {@value #RELEASE} in {@code namespace},
   * with helm {@code --set} values.
   */
  public String template(String namespace, String... setValues) {
    List<String> args = new ArrayList<>(List.of("template", RELEASE, chart().toString(),
        "--namespace", namespace));
    for (String value : setValues) {
      args.add("--set");
      args.add(value);
    }
    return run(args).orThrow();
  }

  /** helm with these arguments, whatever its exit code: for tests of lint and refusals. */
  public CommandLine.Result run(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(binaries.resolve("helm").toString());
    command.addAll(args);
    return CommandLine.run(command);
  }
}
