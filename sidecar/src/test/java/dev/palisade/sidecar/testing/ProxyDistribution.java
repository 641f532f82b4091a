package dev.palisade.sidecar.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The packaged sidecar that Maven builds at {@code package} (target/palisade-proxy: the
 * launcher, the jars and the AOT cache), so that integration tests run what ships, JVM flags
 * included.
 */
public final class ProxyDistribution {

  private final Path home;

  private ProxyDistribution(Path home) {
    this.home = home;
  }

  /** The one Maven built; failsafe passes its location. */
  public static ProxyDistribution built() {
    String location = System.getProperty("palisade.proxy.dist");
    Path home = location == null ? null : Path.of(location);
    if (home == null || !Files.isExecutable(home.resolve("bin/palisade-proxy"))) {
      throw new IllegalStateException("no packaged sidecar at " + location
          + ": run the integration tests through Maven (verify), which packages it first");
    }
    return new ProxyDistribution(home);
  }

  /**
   * A copy under {@code dir} that other uids can read (the build tree may not be), with the
   * files' times kept: the AOT cache is only used with the very jars it was built from.
   */
  public ProxyDistribution copyInto(Path dir) {
    Path copy = dir.resolve("palisade-proxy");
    try (Stream<Path> tree = Files.walk(home)) {
      for (Path path : tree.toList()) {
        Path target = copy.resolve(home.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
          Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        } else {
          Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
          Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(
              Files.isExecutable(path) ? "rwxr-xr-x" : "rw-r--r--"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ProxyDistribution(copy);
  }

  public Path home() {
    return home;
  }

  /** {@code bin/palisade-proxy args...} on this test's JDK, with extra launcher variables. */
  public List<String> command(Map<String, String> environment, String... args) {
    List<String> command = new ArrayList<>(List.of("env",
        "PALISADE_JAVA=" + Path.of(System.getProperty("java.home"), "bin", "java")));
    environment.forEach((name, value) -> command.add(name + "=" + value));
    command.add(home.resolve("bin/palisade-proxy").toString());
    command.addAll(List.of(args));
    return command;
  }

  public List<String> command(String... args) {
    return command(Map.of(), args);
  }
}
