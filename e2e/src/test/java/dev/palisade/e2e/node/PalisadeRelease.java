package dev.palisade.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.testing.RepoFiles;
import java.util.ArrayList;
import java.util.List;

/** Palisade installed by its chart, from the images hack/build-images.sh built, as users do. */
final class PalisadeRelease {

  static final String NAME = "palisade";
  static final String NAMESPACE = "palisade-system";
  static final String OPERATOR = "palisade-operator";

  private PalisadeRelease() {}

  /**
   * Installs the release with the default values and this build's images (a test before may
   * have uninstalled it, or upgraded it with other values).
   */
  static void ensureInstalled() {
    install();
  }

  /**
   * `helm upgrade --install` with the locally built images and these extra values, waiting
   * for the operator's pods to be Ready. The CRDs and the examples' TrustDomain first: the
   * operator serves its webhook with a certificate of that trust domain.
   */
  static void install(String... values) {
    Node.kubectl("apply", "--server-side", "--force-conflicts", "-f",
        RepoFiles.resolve("charts/palisade/crds").toString()).orThrow();
    Node.kubectl("apply", "-f", RepoFiles.resolve("examples/10-trustdomain.yaml").toString())
        .orThrow();
    List<String> args = new ArrayList<>(List.of("upgrade", "--install", NAME,
        RepoFiles.resolve("charts/palisade").toString(), "--namespace", NAMESPACE,
        "--create-namespace", "--wait", "--timeout", "100s"));
    for (String value : imageValues()) {
      args.add("--set");
      args.add(value);
    }
    for (String value : values) {
      args.add("--set");
      args.add(value);
    }
    Node.helm(args.toArray(String[]::new)).orThrow();
  }

  static void uninstall() {
    assertThat(Node.helm("uninstall", NAME, "--namespace", NAMESPACE, "--wait").succeeded())
        .isTrue();
  }

  private static List<String> imageValues() {
    List<String> values = new ArrayList<>();
    for (String[] image : new String[][] {{"operator", "OPERATOR_IMAGE"},
        {"sidecar", "SIDECAR_IMAGE"}}) {
      String reference = Node.image(image[1]);
      int colon = reference.lastIndexOf(':');
      values.add(image[0] + ".image.repository=" + reference.substring(0, colon));
      values.add(image[0] + ".image.tag=" + reference.substring(colon + 1));
    }
    return values;
  }
}
