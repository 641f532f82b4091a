package dev.palisade.e2e.node;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.testing.CommandLine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * tcpdump on the host end of a pod's veth: every byte that leaves or enters the pod, as an
 * attacker on the node's network would see it.
 */
final class VethCapture implements AutoCloseable {

  private final String veth;
  private final Process tcpdump;
  private final Path file;
  private final Path log;

  private VethCapture(String veth, Process tcpdump, Path file, Path log) {
    this.veth = veth;
    this.tcpdump = tcpdump;
    this.file = file;
    this.log = log;
  }

  static VethCapture start(String namespace, String pod) throws IOException {
    String veth = hostVeth(namespace, pod);
    Path file = Files.createTempFile("capture", ".pcap");
    Path log = Files.createTempFile("tcpdump", ".log");
    // -Z root: Debian's tcpdump would otherwise drop to its own user, which may not write here.
    // --immediate-mode: each packet as it comes, not in blocks that a stop would lose.
    Process tcpdump = new ProcessBuilder("tcpdump", "-Z", "root", "--immediate-mode", "-i", veth,
        "-s", "0", "-U", "-w", file.toString(), "tcp")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    await().atMost(Duration.ofSeconds(10)).until(
        () -> Files.readString(log).contains("listening on " + veth) || !tcpdump.isAlive());
    if (!tcpdump.isAlive()) {
      throw new IllegalStateException("tcpdump failed: " + Files.readString(log));
    }
    return new VethCapture(veth, tcpdump, file, log);
  }

  /** Stops the capture and returns the pcap file's bytes. */
  byte[] stop() throws IOException, InterruptedException {
    tcpdump.destroy();
    if (!tcpdump.waitFor(10, TimeUnit.SECONDS)) {
      tcpdump.destroyForcibly();
    }
    return Files.readAllBytes(file);
  }

  /** For failure messages: where it listened and what tcpdump said. */
  String describe() throws IOException {
    return "capture on " + veth + " (" + Files.size(file) + " bytes): " + Files.readString(log);
  }

  @Override
  public void close() throws IOException {
    tcpdump.destroyForcibly();
    Files.deleteIfExists(file);
    Files.deleteIfExists(log);
  }

  /**
   * The host's end of the pod's veth: the pod's eth0 names its peer's interface index, read
   * inside the pod's network namespace, which the CRI names.
   */
  static String hostVeth(String namespace, String pod) throws IOException {
    String sandbox = Node.crictl("pods", "--namespace", namespace, "--name", pod, "--state",
        "ready", "-q").orThrow().strip().lines().findFirst()
        .orElseThrow(() -> new IllegalStateException("no sandbox for " + namespace + "/" + pod));
    JsonNode inspection = new ObjectMapper().readTree(
        Node.crictl("inspectp", sandbox).orThrow());
    String netns = null;
    for (JsonNode ns : inspection.path("info").path("runtimeSpec").path("linux")
        .path("namespaces")) {
      if ("network".equals(ns.path("type").asText())) {
        netns = ns.path("path").asText();
      }
    }
    // "3: eth0@if45: <...": the peer's index (sysfs would show the host's own interfaces).
    Matcher peer = Pattern.compile("eth0@if(\\d+)").matcher(CommandLine.run(List.of("nsenter",
        "--net=" + netns, "ip", "-o", "link", "show", "eth0")).orThrow());
    if (!peer.find()) {
      throw new IllegalStateException("no veth peer for " + namespace + "/" + pod);
    }
    String iflink = peer.group(1);
    try (Stream<Path> links = Files.list(Path.of("/sys/class/net"))) {
      return links.filter(link -> iflink.equals(read(link.resolve("ifindex"))))
          .map(link -> link.getFileName().toString()).findFirst()
          .orElseThrow(() -> new IllegalStateException("no host interface #" + iflink));
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
