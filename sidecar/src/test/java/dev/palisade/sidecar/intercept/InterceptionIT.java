package dev.palisade.sidecar.intercept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.sidecar.Main;
import dev.palisade.sidecar.testing.NetworkNamespace;
import dev.palisade.testing.CommandLine.Result;
import dev.palisade.sidecar.testing.StandInApp;
import dev.palisade.sidecar.testing.StandInProxy;
import dev.palisade.sidecar.testing.TestJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transparent interception on real iptables: two network namespaces ("pods") joined by a veth
 * pair, the real {@code init} command, and stand-ins for the proxy (uid 1337, Netty epoll, reports
 * SO_ORIGINAL_DST) and for the application (reports the address a connection arrived on).
 *
 * <pre>
 *  pod A  198.18.0.1/24, 198.18.5.1/24  ----veth----  pod B  198.18.0.2/24, 198.18.5.2/24
 *   proxy (uid 1337, IPv4 sockets):                    proxy (uid 1337, Netty's dual-stack sockets):
 *     inbound 0.0.0.0:15006                              inbound 0.0.0.0:15006
 *     outbound 127.0.0.1:15001                           admin 0.0.0.0:15020
 *     admin 0.0.0.0:15020                              app (root): 8080, 2222, 3333
 *   init (from @Nested Outbound on):                   init: --exclude-inbound-ports 2222,3333
 *     --exclude-outbound-ports 2222
 *     --exclude-outbound-cidrs 198.18.5.0/24
 * </pre>
 *
 * Clients are bash's {@code /dev/tcp} under {@code timeout}, run in a pod as root (the app) or as
 * uid 1337 (the proxy). Needs root; skipped, saying why, where network namespaces cannot be made.
 */
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
@Timeout(120)
class InterceptionIT {

  static final String A = "198.18.0.1";
  static final String B = "198.18.0.2";
  static final String B_OTHER_NETWORK = "198.18.5.2";
  static final int PROXY_UID = 1337;
  static final Duration STARTUP = Duration.ofSeconds(60);

  static final String SUFFIX = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
  static final List<NetworkNamespace> namespaces = new CopyOnWriteArrayList<>();
  static final Thread cleanupOnExit = new Thread(InterceptionIT::cleanUp, "interception-it-cleanup");
  static NetworkNamespace podA;
  static NetworkNamespace podB;
  static TestJvm jvm;

  @BeforeAll
  static void buildThePods() throws IOException {
    NetworkNamespace.requireNamespaces();
    for (String tool : List.of("iptables-restore", "iptables-save", "setpriv", "timeout", "ss")) {
      assertThat(NetworkNamespace.host("sh", "-c", "command -v " + tool + " || test -x /usr/sbin/" + tool).succeeded())
          .as("%s is missing; run bash hack/install-prereqs.sh", tool)
          .isTrue();
    }
    // If the JVM is stopped before @AfterAll (a Failsafe timeout), still leave nothing behind.
    Runtime.getRuntime().addShutdownHook(cleanupOnExit);
    jvm = TestJvm.copyOfTestClasspath();

    podA = namespace("pal-a-" + SUFFIX);
    podB = namespace("pal-b-" + SUFFIX);
    // Both veth ends are created inside the pods: the host never sees an interface of ours.
    podA.exec("ip", "link", "add", "pva" + SUFFIX, "type", "veth", "peer", "name", "pvb" + SUFFIX, "netns", podB.name())
        .orThrow();
    configure(podA, "pva" + SUFFIX, A + "/24", "198.18.5.1/24");
    configure(podB, "pvb" + SUFFIX, B + "/24", B_OTHER_NETWORK + "/24");

    // Pod B: proxy on Netty's default (dual-stack IPv6) sockets, the app, and its rules.
    start(podB, "proxy-b", NetworkNamespace.as(PROXY_UID, jvm.command(StandInProxy.class.getName(),
        "inbound=0.0.0.0:15006", "admin=0.0.0.0:15020")), 2);
    start(podB, "app-b", jvm.command(StandInApp.class.getName(),
        "app=0.0.0.0:8080", "app=0.0.0.0:2222", "app=0.0.0.0:3333"), 3);
    assertThat(init(podB, "--exclude-inbound-ports", "2222,3333").orThrow())
        .startsWith("palisade init: applied with iptables-restore --noflush:\n");

    // Pod A: proxy on IPv4 sockets and Netty NIO (the real proxy's transport, whose file
    // descriptors need sun.nio.ch exported); its outbound listener only on loopback, where REDIRECT sends
    // locally generated connections. Its rules come with the Outbound tests.
    start(podA, "proxy-a", NetworkNamespace.as(PROXY_UID, jvm.command(StandInProxy.class.getName(),
        List.of("-Djava.net.preferIPv4Stack=true", "-Dstandin.transport=nio",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"),
        "inbound=0.0.0.0:15006", "outbound=127.0.0.1:15001", "admin=0.0.0.0:15020")), 3);
  }

  @AfterAll
  static void deleteThePods() {
    cleanUp();
    if (namespaces.isEmpty()) {
      Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
    }
  }

  @Test
  void theStandInsRunAsTheUidsTheTestsRelyOn() throws IOException {
    assertThat(Files.readString(jvm.dir().resolve("proxy-b.log"))).contains("listening inbound 0.0.0.0:15006 uid 1337");
    assertThat(Files.readString(jvm.dir().resolve("proxy-a.log"))).contains("listening outbound 127.0.0.1:15001 uid 1337");
    assertThat(Files.readString(jvm.dir().resolve("app-b.log"))).contains("listening app 0.0.0.0:8080 uid 0");
  }

  /** Before pod A has rules: a plain client in pod A, pod B's rules at work. */
  @Nested
  @Order(1)
  class Inbound {

    @Test
    void podBsProxyListensOnNettysDefaultDualStackSocket() {
      // So the other tests here show SO_ORIGINAL_DST (level SOL_IP) on AF_INET6 sockets carrying IPv4.
      assertThat(podB.exec("ss", "-Hltn", "sport = :15006").orThrow()).containsAnyOf("[::]:15006", "*:15006");
    }

    @ParameterizedTest(name = "port {0}")
    @ValueSource(ints = {8080, 9090, 443})
    void aPlainClientIsRedirectedToTheInboundPortAndItsOriginalDestinationRecovered(int port) {
      // 8080 has an app listening; the proxy gets the connection anyway.
      assertThat(reply(podA, 0, B, port)).isEqualTo("inbound 198.18.0.2:" + port);
    }

    @Test
    void excludedInboundPortsReachTheAppDirectly() {
      assertThat(reply(podA, 0, B, 2222)).isEqualTo("app 198.18.0.2:2222");
      assertThat(reply(podA, 0, B_OTHER_NETWORK, 3333)).isEqualTo("app 198.18.5.2:3333");
    }

    @Test
    void theAdminPortIsNotRedirected() {
      assertThat(reply(podA, 0, B, 15020)).isEqualTo("admin 198.18.0.2:15020");
    }

    @Test
    void theProxyDeliversToTheAppOnLoopbackWithoutBeingRedirected() {
      assertThat(reply(podB, PROXY_UID, "127.0.0.1", 8080)).isEqualTo("app 127.0.0.1:8080");
    }

    @Test
    void theProxyCallingItsOwnPodIpIsTreatedAsInbound() {
      assertThat(reply(podB, PROXY_UID, B, 8080)).isEqualTo("inbound 198.18.0.2:8080");
      assertThat(reply(podB, PROXY_UID, B, 2222)).as("excluded inbound ports stay excluded")
          .isEqualTo("app 198.18.0.2:2222");
    }

    @Test
    void theAppCallingItselfIsNotRedirected() {
      assertThat(reply(podB, 0, "127.0.0.1", 8080)).isEqualTo("app 127.0.0.1:8080");
      assertThat(reply(podB, 0, B, 8080)).isEqualTo("app 198.18.0.2:8080");
    }
  }

  /** Pod A gets its rules: outbound TCP from its app goes to its own proxy. */
  @Nested
  @Order(2)
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Outbound {

    @BeforeAll
    void applyInitInPodA() {
      Result init = init(podA, "--exclude-outbound-ports", "2222", "--exclude-outbound-cidrs", "198.18.5.0/24");

      assertThat(init.orThrow()).startsWith("palisade init: applied with iptables-restore --noflush:\n");
    }

    @Test
    void podAsOutboundListenerIsAnIpv4SocketOnLoopbackOnly() {
      // So the tests here show SO_ORIGINAL_DST on AF_INET sockets; and REDIRECT from OUTPUT goes
      // to 127.0.0.1, so the outbound listener need not be reachable from other pods.
      assertThat(podA.exec("ss", "-Hltn", "sport = :15001").orThrow()).contains("127.0.0.1:15001");
    }

    @ParameterizedTest(name = "port {0}")
    @ValueSource(ints = {9090, 8080, 3333})
    void theAppsConnectionsGoToTheOutboundPortWithTheirOriginalDestination(int port) {
      assertThat(reply(podA, 0, B, port)).isEqualTo("outbound 198.18.0.2:" + port);
    }

    @Test
    void theProxysOwnConnectionsAreNotRedirectedSoTheyReachTheOtherPod() {
      // Were uid 1337 redirected, this would land on pod A's own outbound port: a loop.
      assertThat(reply(podA, PROXY_UID, B, 9090)).isEqualTo("inbound 198.18.0.2:9090");
    }

    @Test
    void anExcludedOutboundPortIsNotRedirected() {
      assertThat(reply(podA, 0, B, 2222)).isEqualTo("app 198.18.0.2:2222");
    }

    @Test
    void anExcludedCidrIsNotRedirected() {
      assertThat(reply(podA, 0, B_OTHER_NETWORK, 3333)).isEqualTo("app 198.18.5.2:3333");
      assertThat(reply(podA, 0, B, 3333)).as("the same port outside the CIDR").isEqualTo("outbound 198.18.0.2:3333");
    }

    @Test
    void loopbackIsNotRedirected() {
      assertThat(reply(podA, 0, "127.0.0.1", 15020)).isEqualTo("admin 127.0.0.1:15020");
    }
  }

  /** The command itself: idempotence, cleanup, dry run, failure; in a namespace of its own. */
  @Nested
  @Order(3)
  class Command {

    @Test
    void applyingAgainLeavesTheSameRulesAndTrafficStillFlows() {
      String before = natTable(podB);

      init(podB, "--exclude-inbound-ports", "2222,3333").orThrow();

      assertThat(natTable(podB)).isEqualTo(before);
      assertThat(before.lines().filter(l -> l.startsWith("-A PREROUTING"))).containsExactly("-A PREROUTING -p tcp -j PALISADE_INBOUND");
      assertThat(reply(podA, PROXY_UID, B, 8080)).isEqualTo("inbound 198.18.0.2:8080");
    }

    @Test
    void cleanupRemovesEveryChainAndRuleAndCanRunAgain() {
      NetworkNamespace pod = namespace("pal-c-" + SUFFIX);
      String empty = natTable(pod);
      init(pod, "--exclude-inbound-ports", "22").orThrow();
      assertThat(natTable(pod)).contains(":PALISADE_INBOUND", ":PALISADE_OUTPUT");

      assertThat(init(pod, "--cleanup").orThrow()).startsWith("palisade init --cleanup: removed with iptables-restore --noflush:\n");
      assertThat(natTable(pod)).isEqualTo(empty);
      // Once for iptables, once for ip6tables (the namespace has IPv6).
      assertThat(init(pod, "--cleanup").orThrow())
          .isEqualTo("palisade init --cleanup: no Palisade rules in this network namespace; nothing to do\n".repeat(2));
    }

    @Test
    void dryRunPrintsTheDefaultsGoldenScriptsAndChangesNothing() throws IOException {
      NetworkNamespace pod = namespace("pal-d-" + SUFFIX);
      String empty = natTable(pod);

      String printed = init(pod, "--dry-run").orThrow();

      Path golden = Path.of(System.getProperty("basedir", "."), "src/test/resources/golden/iptables");
      assertThat(printed).isEqualTo(Files.readString(golden.resolve("defaults.rules"))
          + Files.readString(golden.resolve("defaults-ipv6.rules")));
      assertThat(natTable(pod)).isEqualTo(empty);
    }

    @Test
    void withoutNetAdminItFailsWithAClearMessage() {
      NetworkNamespace pod = namespace("pal-e-" + SUFFIX);

      Result init = pod.execAs(PROXY_UID, jvm.command(Main.class.getName(), "init"));

      assertThat(init.exitCode()).isEqualTo(InitCommand.FAILED);
      assertThat(init.stderr()).startsWith("palisade init: ").contains("iptables-save -t nat failed (exit");
    }

    @Test
    void wrongFlagsExitWithTwo() {
      Result init = podB.exec(jvm.command(Main.class.getName(), "init", "--exclude-outbound-cidrs", "198.18.5.1/24"));

      assertThat(init.exitCode()).isEqualTo(InitCommand.USAGE);
      assertThat(init.stderr()).startsWith("palisade-proxy init: --exclude-outbound-cidrs: invalid CIDR \"198.18.5.1/24\"");
    }
  }

  // --- helpers ---

  /** The one line the server at host:port answers, connecting from {@code pod} as {@code uid}. */
  static String reply(NetworkNamespace pod, int uid, String host, int port) {
    String client = "exec 3<>/dev/tcp/" + host + "/" + port + " || exit 7; IFS= read -r -t 5 line <&3; printf '%s' \"$line\"";
    Result result = pod.execAs(uid, List.of("timeout", "10", "bash", "-c", client));
    assertThat(result.exitCode())
        .as("connecting from %s as uid %d to %s:%d: %s", pod.name(), uid, host, port, result.stderr())
        .isZero();
    return result.stdout();
  }

  static Result init(NetworkNamespace pod, String... flags) {
    List<String> args = new ArrayList<>(List.of("init"));
    args.addAll(List.of(flags));
    return pod.exec(jvm.command(Main.class.getName(), args.toArray(String[]::new)));
  }

  /** The nat table without iptables-save's timestamped comments and packet counters. */
  static String natTable(NetworkNamespace pod) {
    return pod.exec("iptables-save", "-t", "nat").orThrow().lines()
        .filter(line -> !line.startsWith("#"))
        .map(line -> line.replaceAll(" \\[\\d+:\\d+\\]$", ""))
        .reduce("", (a, b) -> a + b + "\n");
  }

  static void start(NetworkNamespace pod, String name, List<String> command, int listeners) {
    Path log = jvm.dir().resolve(name + ".log");
    Process process = pod.start(command, log);
    await(name + " listening").atMost(STARTUP).until(() -> {
      String output = Files.exists(log) ? Files.readString(log) : "";
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + output);
      }
      return output.lines().filter(line -> line.startsWith("listening ")).count() == listeners;
    });
  }

  static NetworkNamespace namespace(String name) {
    NetworkNamespace namespace = NetworkNamespace.create(name);
    namespaces.add(namespace);
    return namespace;
  }

  static void configure(NetworkNamespace pod, String veth, String... addresses) {
    for (String address : addresses) {
      pod.exec("ip", "addr", "add", address, "dev", veth).orThrow();
    }
    pod.exec("ip", "link", "set", veth, "up").orThrow();
  }

  /** Stops the stand-ins and deletes every namespace (and with them the veth pair and rules). */
  static synchronized void cleanUp() {
    List<RuntimeException> failures = new ArrayList<>();
    for (NetworkNamespace namespace : List.copyOf(namespaces)) {
      try {
        namespace.close();
        namespaces.remove(namespace);
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    if (jvm != null) {
      jvm.close();
      jvm = null;
    }
    if (!failures.isEmpty()) {
      throw failures.getFirst();
    }
  }
}
