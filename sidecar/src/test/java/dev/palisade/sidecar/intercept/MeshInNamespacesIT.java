package dev.palisade.sidecar.intercept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.common.pki.Issuer;
import dev.palisade.common.pki.KeyType;
import dev.palisade.common.pki.Pem;
import dev.palisade.common.pki.X509Profiles;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.sidecar.testing.NetworkNamespace;
import dev.palisade.testing.CommandLine.Result;
import dev.palisade.sidecar.testing.ProxyDistribution;
import dev.palisade.sidecar.testing.StandInApp;
import dev.palisade.sidecar.testing.TestJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two "pods" as network namespaces joined by a veth pair, each with the real {@code init} rules
 * and the real proxy running as uid 1337: an unmodified client (curl) in pod A reaches the app in pod B
 * by B's IP and port, and pod B's own metrics prove the bytes crossed as mutual TLS.
 */
class MeshInNamespacesIT {

  private static final String A = "198.18.6.1";
  private static final String B = "198.18.6.2";
  private static final String A6 = "2001:2::6:1";
  private static final String B6 = "2001:2::6:2";
  /** How the proxy writes B6 when it looks it up (InetAddress#getHostAddress). */
  private static final String B6_LOOKUP = "2001:2:0:0:0:0:6:2";
  private static final int PROXY_UID = 1337;
  private static final String TRUST_DOMAIN = "mesh.test";
  private static final WorkloadIdentity CLIENT = new WorkloadIdentity(TRUST_DOMAIN, "a", "client");
  private static final WorkloadIdentity SERVER = new WorkloadIdentity(TRUST_DOMAIN, "b", "server");
  private static final String SUFFIX =
      HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);

  private static final List<NetworkNamespace> pods = new ArrayList<>();
  private static final Thread cleanupOnExit = new Thread(MeshInNamespacesIT::cleanUp, "mesh-it-cleanup");
  private static TestJvm jvm;
  private static ProxyDistribution proxyDistribution;
  private static NetworkNamespace podA;
  private static NetworkNamespace podB;

  @BeforeAll
  static void buildTheMesh() throws IOException {
    NetworkNamespace.requireNamespaces();
    Runtime.getRuntime().addShutdownHook(cleanupOnExit);
    jvm = TestJvm.copyOfTestClasspath();
    // The packaged sidecar, launcher and JVM flags included, as the pod's containers run it.
    proxyDistribution = ProxyDistribution.built().copyInto(jvm.dir());

    podA = pod("pal-ma-" + SUFFIX);
    podB = pod("pal-mb-" + SUFFIX);
    podA.exec("ip", "link", "add", "mva" + SUFFIX, "type", "veth", "peer", "name", "mvb" + SUFFIX,
        "netns", podB.name()).orThrow();
    up(podA, "mva" + SUFFIX, A + "/24");
    up(podB, "mvb" + SUFFIX, B + "/24");
    podA.exec("ip", "-6", "addr", "add", A6 + "/64", "dev", "mva" + SUFFIX, "nodad").orThrow();
    podB.exec("ip", "-6", "addr", "add", B6 + "/64", "dev", "mvb" + SUFFIX, "nodad").orThrow();

    writeCertificates();
    write("config-a.json", "{\"version\": \"1\", \"outbound\": {\"meshed\": {\"" + B
        + ":8080\": \"" + SERVER + "\", \"" + B + ":8081\": \"" + SERVER + "\", \""
        + B6_LOOKUP + ":8080\": \"" + SERVER + "\"}}}");
    write("config-b.json", "{\"version\": \"1\"}"); // STRICT, no rules

    // Pod B: the app (root, plain TCP on 8080), its rules, its proxy.
    // ... and a server of the pod's own, on loopback only.
    podB.start(jvm.command(StandInApp.class.getName(), "--http", "app=[::]:8080",
        "private=127.0.0.1:8081"), jvm.dir().resolve("app-b.log"));
    init(podB);
    proxy(podB, "b", SERVER);
    // Pod A: its rules and its proxy; the client is plain curl.
    init(podA);
    proxy(podA, "a", CLIENT);
  }

  @AfterAll
  static void deleteTheMesh() {
    cleanUp();
    Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
  }

  @Test
  void anUnmodifiedClientReachesTheOtherPodOverMutualTls() {
    double before = metric(podB, "palisade_tls_handshakes_total{direction=\"inbound\",reason=\"none\",result=\"success\"}");

    Result reply = podA.exec("curl", "-sS", "--max-time", "20", "http://" + B + ":8080/");

    assertThat(reply.exitCode()).as(reply.stderr()).isZero();
    // The app saw the connection arrive at the address the client dialled, from its own proxy.
    assertThat(reply.stdout().strip()).isEqualTo("app " + B + ":8080");
    await("B's proxy counted the mTLS handshake").atMost(Duration.ofSeconds(30)).until(() ->
        metric(podB, "palisade_tls_handshakes_total{direction=\"inbound\",reason=\"none\",result=\"success\"}")
            > before);
    assertThat(metric(podA, "palisade_tls_handshakes_total{direction=\"outbound\",reason=\"none\",result=\"success\"}"))
        .as("A's proxy originated it").isPositive();
  }

  @Test
  void overIpv6TooTheClientReachesTheOtherPodOverMutualTls() {
    String success = "palisade_tls_handshakes_total{direction=\"inbound\",reason=\"none\",result=\"success\"}";
    double before = metric(podB, success);

    Result reply = podA.exec("curl", "-sS", "--max-time", "20", "http://[" + B6 + "]:8080/");

    assertThat(reply.exitCode()).as(reply.stderr()).isZero();
    assertThat(reply.stdout()).startsWith("app ");
    await("B's proxy counted the IPv6 mTLS handshake").atMost(Duration.ofSeconds(30))
        .until(() -> metric(podB, success) > before);
  }

  @Test
  void ipv6PlaintextIntoAStrictPodIsRefusedNotBypassed() {
    String refused = "palisade_tls_handshakes_total{direction=\"inbound\",reason=\"plaintext_rejected\",result=\"failure\"}";
    double before = metric(podB, refused);
    // uid 1337 bypasses pod A's proxy, so this arrives at pod B as IPv6 plaintext.
    String client = "exec 3<>/dev/tcp/" + B6 + "/8080 || exit 7; printf 'hello\\n' >&3;"
        + " IFS= read -r -t 10 line <&3; printf '%s' \"$line\"";
    Result reply = podA.execAs(PROXY_UID, List.of("timeout", "20", "bash", "-c", client));

    assertThat(reply.stdout()).doesNotContain("app");
    await("B's proxy counted the refusal").atMost(Duration.ofSeconds(30)).until(() ->
        metric(podB, refused) > before);
  }

  @Test
  void aServerListeningOnLoopbackOnlyStaysPrivateToItsPod() {
    Result fromThePod = podB.exec("curl", "-sS", "--max-time", "10", "http://127.0.0.1:8081/");
    assertThat(fromThePod.stdout().strip()).as(fromThePod.stderr()).isEqualTo("private 127.0.0.1:8081");

    Result fromTheMesh = podA.exec("curl", "-sS", "--max-time", "20", "http://" + B + ":8081/");

    assertThat(fromTheMesh.exitCode()).as("reached a loopback-only server: %s",
        fromTheMesh.stdout()).isNotZero();
    assertThat(fromTheMesh.stdout()).doesNotContain("private");
  }

  @Test
  void aConnectionToTheProxysOwnPortIsRefusedAsALoop() {
    String loops = "palisade_tls_handshakes_total{direction=\"inbound\",reason=\"loop_detected\",result=\"failure\"}";
    double before = metric(podB, loops);
    // uid 1337 bypasses pod A's proxy: this reaches B's :15006 without a redirect.
    String client = "exec 3<>/dev/tcp/" + B + "/15006 || exit 7; printf 'hello\\n' >&3;"
        + " IFS= read -r -t 10 line <&3; printf '%s' \"$line\"";
    Result reply = podA.execAs(PROXY_UID, List.of("timeout", "20", "bash", "-c", client));

    assertThat(reply.stdout()).isEmpty();
    await("B's proxy counted the loop").atMost(Duration.ofSeconds(30)).until(() ->
        metric(podB, loops) == before + 1);
  }

  @Test
  void aLargeUploadCrossesIntact() throws Exception {
    byte[] body = new byte[4 * 1024 * 1024];
    ThreadLocalRandom.current().nextBytes(body);
    Path upload = jvm.dir().resolve("upload.bin");
    Files.write(upload, body);
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));

    Result reply = podA.exec("curl", "-sS", "--max-time", "30", "--data-binary", "@" + upload,
        "http://" + B + ":8080/upload");

    assertThat(reply.exitCode()).as(reply.stderr()).isZero();
    assertThat(reply.stdout().strip()).as("SHA-256 the app computed").isEqualTo(expected);
  }

  @Test
  void plaintextIntoAStrictPodIsRefusedAndCounted() {
    double before = metric(podB, "palisade_tls_handshakes_total{direction=\"inbound\",reason=\"plaintext_rejected\",result=\"failure\"}");
    // uid 1337 bypasses pod A's proxy, so this arrives at pod B as plaintext.
    String client = "exec 3<>/dev/tcp/" + B + "/8080 || exit 7; printf 'hello\\n' >&3;"
        + " IFS= read -r -t 10 line <&3; printf '%s' \"$line\"";
    Result reply = podA.execAs(PROXY_UID, List.of("timeout", "20", "bash", "-c", client));

    assertThat(reply.stdout()).doesNotContain("app");
    await("B's proxy counted the refusal").atMost(Duration.ofSeconds(30)).until(() ->
        metric(podB, "palisade_tls_handshakes_total{direction=\"inbound\",reason=\"plaintext_rejected\",result=\"failure\"}")
            > before);
  }

  private static void proxy(NetworkNamespace pod, String name, WorkloadIdentity identity) {
    List<String> command = NetworkNamespace.as(PROXY_UID, proxyDistribution.command("proxy", "--trust-domain=" + TRUST_DOMAIN,
        "--cert=" + jvm.dir().resolve(name + ".crt"), "--key=" + jvm.dir().resolve(name + ".key"),
        "--ca-bundle=" + jvm.dir().resolve("ca.crt"),
        "--config=" + jvm.dir().resolve("config-" + name + ".json")));
    Process process = pod.start(command, jvm.dir().resolve("proxy-" + name + ".log"));
    await("proxy " + name + " ready (" + identity + ")").atMost(Duration.ofSeconds(60)).until(() -> {
      if (!process.isAlive()) {
        throw new IllegalStateException("proxy " + name + " exited: "
            + Files.readString(jvm.dir().resolve("proxy-" + name + ".log")));
      }
      return pod.exec("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
          "http://127.0.0.1:15020/healthz/ready").stdout().equals("200");
    });
  }

  private static double metric(NetworkNamespace pod, String series) {
    String metrics = pod.exec("curl", "-s", "http://127.0.0.1:15020/metrics").stdout();
    return metrics.lines().filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).strip()))
        .findFirst().orElse(0);
  }

  private static void writeCertificates() throws IOException {
    Instant now = Instant.now();
    Issuer issuer = Issuer.newRoot(KeyType.ECDSA_P256, TRUST_DOMAIN, now, Duration.ofDays(1))
        .newIntermediate(KeyType.ECDSA_P256, TRUST_DOMAIN, now, Duration.ofDays(1));
    write("ca.crt", Pem.certificate(issuer.root()));
    for (var entry : List.of(new Object[] {"a", CLIENT}, new Object[] {"b", SERVER})) {
      String name = (String) entry[0];
      KeyPair keys = KeyType.ECDSA_P256.generate();
      write(name + ".crt", Pem.certificates(List.of(X509Profiles.workload(keys.getPublic(),
          (WorkloadIdentity) entry[1], issuer, now, Duration.ofHours(1)), issuer.certificate())));
      write(name + ".key", Pem.privateKey(keys.getPrivate()));
    }
  }

  /** Files the proxies (uid 1337) read: world-readable in the test's own directory. */
  private static void write(String name, String content) throws IOException {
    Path file = jvm.dir().resolve(name);
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
  }

  private static void init(NetworkNamespace pod) {
    assertThat(pod.exec(proxyDistribution.command("init")).orThrow())
        .startsWith("palisade init: applied");
  }

  private static NetworkNamespace pod(String name) {
    NetworkNamespace pod = NetworkNamespace.create(name);
    pods.add(pod);
    return pod;
  }

  private static void up(NetworkNamespace pod, String veth, String address) {
    pod.exec("ip", "addr", "add", address, "dev", veth).orThrow();
    pod.exec("ip", "link", "set", veth, "up").orThrow();
    pod.exec("ip", "link", "set", "lo", "up").orThrow();
  }

  private static synchronized void cleanUp() {
    for (NetworkNamespace pod : List.copyOf(pods)) {
      pod.close();
      pods.remove(pod);
    }
    if (jvm != null) {
      jvm.close();
      jvm = null;
    }
  }
}
