package dev.palisade.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository (crds/, examples/, charts/) that tests read as users would. */
public final class RepoFiles {
  private RepoFiles() {}

  public static Path root() {
    String configured = System.getProperty("palisade.repo.root");
    Path start = Path.of(configured != null ? configured : "").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("crds")) && Files.exists(dir.resolve("mvnw"))) {
        return dir;
      }
    }
    throw new IllegalStateException("cannot find the repository root above " + start);
  }

  public static Path resolve(String relative) {
    return root().resolve(relative);
  }
}
