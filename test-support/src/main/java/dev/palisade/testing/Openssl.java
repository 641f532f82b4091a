package dev.palisade.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The real openssl CLI: a third party's view of Palisade's certificates and of its TLS servers.
 */
public final class Openssl {

  private final Path dir;

  public Openssl() {
    try {
      this.dir = Files.createTempDirectory("openssl-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public CommandLine.Result run(String... args) {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    return CommandLine.run(command);
  }

  /** Writes {@code content} to a file in this instance's scratch directory. */
  public Path file(String name, String content) {
    try {
      return Files.writeString(dir.resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String read(String name) {
    try {
      return Files.readString(dir.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path path(String name) {
    return dir.resolve(name);
  }

  /** A self-signed CA made by openssl itself: {@code <name>.crt} and {@code <name>.key}. */
  public void rootCa(String name, String subject) {
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-days", "30", "-subj", subject,
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-keyout", path(name + ".key").toString(), "-out", path(name + ".crt").toString())
        .orThrow();
  }

  /** A self-signed certificate that is not a CA. */
  public void leafOnly(String name) {
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-days", "30", "-subj", "/CN=not-a-ca",
        "-addext", "basicConstraints=critical,CA:FALSE",
        "-keyout", path(name + ".key").toString(), "-out", path(name + ".crt").toString())
        .orThrow();
  }

  /**
   * {@code openssl s_client -connect 127.0.0.1:<port> -ign_eof <args>}, with {@code input} on
   * stdin: -ign_eof keeps it reading until the server closes, so the output shows what the
   * server sent (or why it refused).
   */
  public static CommandLine.Result sClient(int port, List<String> args, String input,
      Duration timeout) {
    List<String> withIgnEof = new ArrayList<>(List.of("-ign_eof"));
    withIgnEof.addAll(args);
    return sClientRun(port, withIgnEof, input, timeout);
  }

  /** Handshakes, prints the session, and leaves at once (stdin is empty): to see the server. */
  public static CommandLine.Result handshake(int port, List<String> args, Duration timeout) {
    return sClientRun(port, args, "", timeout);
  }

  private static CommandLine.Result sClientRun(int port, List<String> args, String input,
      Duration timeout) {
    List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect",
        "127.0.0.1:" + port));
    command.addAll(args);
    return CommandLine.run(command, input, timeout);
  }
}
