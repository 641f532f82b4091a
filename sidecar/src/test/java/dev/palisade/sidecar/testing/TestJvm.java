package dev.palisade.sidecar.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Starts the sidecar's classes (and the stand-ins) in a fresh JVM, for example inside a network
 * namespace or as uid 1337. The test classpath lives under root's home, which other uids cannot
 * read, so it is copied once to a world-readable directory.
 */
public final class TestJvm implements AutoCloseable {

  private final Path dir;
  private final String classpath;

  private TestJvm(Path dir, String classpath) {
    this.dir = dir;
    this.classpath = classpath;
  }

  /** Copies this JVM's classpath (Failsafe's real one, not its booter jar) to a new directory. */
  public static TestJvm copyOfTestClasspath() {
    String source = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    try {
      Path dir = Files.createTempDirectory("palisade-it-jvm-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      List<String> entries = new ArrayList<>();
      int index = 0;
      for (String entry : source.split(":")) {
        Path from = Path.of(entry);
        if (!Files.exists(from)) {
          continue;
        }
        Path to = dir.resolve(index++ + "-" + from.getFileName());
        copyReadable(from, to);
        entries.add(to.toString());
      }
      return new TestJvm(dir, String.join(":", entries));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A directory other uids can read, for logs. */
  public Path dir() {
    return dir;
  }

  /** {@code java ... mainClass args}: small heap, quick start, native access for FFM and Netty. */
  public List<String> command(String mainClass, List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classpath, mainClass));
    command.addAll(List.of(args));
    return command;
  }

  public List<String> command(String mainClass, String... args) {
    return command(mainClass, List.of(), args);
  }

  @Override
  public void close() {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copyReadable(Path from, Path to) throws IOException {
    if (Files.isDirectory(from)) {
      try (Stream<Path> tree = Files.walk(from)) {
        for (Path path : tree.toList()) {
          Path target = to.resolve(from.relativize(path).toString());
          if (Files.isDirectory(path)) {
            Files.createDirectories(target);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
          } else {
            Files.copy(path, target);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
          }
        }
      }
    } else {
      Files.copy(from, to);
      Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
    }
  }
}
