package dev.palisade.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.testing.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CRDs users install must be exactly what the crd-generator makes from the Java API, so a
 * hand edit, or a model change without {@code hack/update-crds.sh}, fails the build.
 */
class CrdDriftTest {

  private static final Path GENERATED = Path.of("target", "crds");

  @ParameterizedTest
  @ValueSource(strings = {"crds", "charts/palisade/crds"})
  void committedCrdsMatchTheGeneratedOnes(String committedDir) throws IOException {
    Path committed = RepoFiles.resolve(committedDir);
    assertThat(names(GENERATED)).as("generated CRDs in %s", GENERATED).hasSize(6);
    assertThat(names(committed))
        .as("CRD files in %s (run hack/update-crds.sh)", committedDir)
        .containsExactlyElementsOf(names(GENERATED));
    for (String name : names(GENERATED)) {
      assertThat(Files.readString(committed.resolve(name)))
          .as("%s/%s differs from the CRD generated from the Java API; edit the API in"
              + " operator/src/main/java/dev/palisade/api and run hack/update-crds.sh",
              committedDir, name)
          .isEqualTo(Files.readString(GENERATED.resolve(name)));
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yml"))
          .sorted().toList();
    }
  }
}
