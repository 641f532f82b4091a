package dev.palisade.sidecar.intercept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.sidecar.intercept.InitCommand.Mode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InitCommandTest {

  @Test
  void noFlagsMeansTheDefaults() throws Exception {
    InitCommand parsed = InitCommand.parse(List.of());
    assertThat(parsed.mode()).isEqualTo(Mode.APPLY);
    assertThat(parsed.config()).isEqualTo(InterceptConfig.defaults());
  }

  @Test
  void everyFlagReachesTheConfig() throws Exception {
    var options = InitCommand.parse(List.of("--exclude-inbound-ports", "22,8081", "--exclude-outbound-ports=5432",
        "--exclude-outbound-cidrs", " 198.18.5.0/24 , 10.96.0.10", "--proxy-uid", "2000", "--inbound-port", "16006",
        "--outbound-port", "16001", "--admin-port", "16020", "--dry-run"));

    assertThat(options.mode()).isEqualTo(Mode.DRY_RUN);
    assertThat(options.config()).isEqualTo(new InterceptConfig(2000, 16006, 16001, 16020, List.of(22, 8081),
        List.of(5432), List.of(Ipv4Cidr.parse("10.96.0.10"), Ipv4Cidr.parse("198.18.5.0/24"))));
  }

  @Test
  void anEmptyAnnotationValueIsAnEmptyList() throws Exception {
    var options = InitCommand.parse(List.of("--exclude-inbound-ports", "", "--exclude-outbound-cidrs="));

    assertThat(options.config()).isEqualTo(InterceptConfig.defaults());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "--exclude-inbound-ports 22,ssh        | --exclude-inbound-ports: 'ssh' is not a port (1..65535)",
      "--exclude-inbound-ports 8000-8080     | --exclude-inbound-ports: '8000-8080' is not a port (1..65535)",
      "--exclude-outbound-ports 0            | --exclude-outbound-ports: '0' is not a port (1..65535)",
      "--exclude-outbound-ports 65536        | --exclude-outbound-ports: '65536' is not a port (1..65535)",
      "--inbound-port 99999999999            | Invalid value for option '--inbound-port': '99999999999' is not a port (1..65535)",
      "--admin-port 0                        | Invalid value for option '--admin-port': '0' is not a port (1..65535)",
      "--exclude-outbound-cidrs 198.18.5.1/24 | --exclude-outbound-cidrs: invalid CIDR \"198.18.5.1/24\": host bits are set; the network is 198.18.5.0/24",
      "--exclude-outbound-cidrs 10.0.0.0/8,fd00::/8 | --exclude-outbound-cidrs: invalid CIDR \"fd00::/8\": IPv6 is not supported; Palisade intercepts IPv4 only",
      "--proxy-uid 0                         | the proxy uid must not be 0: every process running as root would bypass the proxy",
      "--proxy-uid nobody                    | Invalid value for option '--proxy-uid': 'nobody' is not an int",
      "--inbound-port 15001                  | the inbound (15001), outbound (15001) and admin (15020) ports must all differ",
      "--proxy-uid                           | Missing required parameter for option '--proxy-uid'",
      "--exclude-inbound-ports --dry-run     | Expected parameter for option '--exclude-inbound-ports' but found '--dry-run'",
      "--exclude-inbound-ports 22 --exclude-inbound-ports 23 | option '--exclude-inbound-ports' (P,...) should be specified only once",
      "--exclude-ports 22                    | Unknown options: '--exclude-ports', '22'",
      "22                                    | Unmatched argument at index 0: '22'",
      "--dry-run --cleanup                   | --dry-run and --cleanup cannot be combined",
  })
  void wrongFlagsAreRefusedWithAMessageNamingTheFlag(String args, String message) {
    var run = run(new RecordingIptables(), args.split(" "));

    assertThat(run.exit).isEqualTo(InitCommand.USAGE);
    assertThat(run.err).startsWith("init: " + message)
        .endsWith("run 'init --help' for the flags\n");
  }

  @Test
  void wrongFlagsExitWithTwoAndTouchNothing() {
    var iptables = new RecordingIptables();
    var run = run(iptables, "--exclude-inbound-ports", "ssh");

    assertThat(run.exit).isEqualTo(InitCommand.USAGE);
    assertThat(run.err).startsWith("init: --exclude-inbound-ports: 'ssh' is not a port (1..65535)\n");
    assertThat(iptables.calls).isEmpty();
  }

  @Test
  void dryRunPrintsTheScriptForAFreshPodAndTouchesNothing() {
    var iptables = new RecordingIptables();
    var run = run(iptables, "--dry-run", "--exclude-inbound-ports", "22");

    assertThat(run.exit).isZero();
    InterceptConfig config = new InterceptConfig(1337, 15006, 15001, 15020, List.of(22),
        List.of(), List.of());
    assertThat(run.out).isEqualTo(IptablesRules.script(config)
        + IptablesRules.script(config, "", IpFamily.IPV6));
    assertThat(iptables.calls).isEmpty();
  }

  @Test
  void applyReadsTheTableRestoresOnceAndChecksTheResult() {
    var iptables = new RecordingIptables(CLEAN, installed());
    var run = run(iptables);

    assertThat(run.exit).isZero();
    assertThat(iptables.calls).containsExactly("save nat", "restore", "save nat");
    assertThat(iptables.restored).containsExactly(IptablesRules.script(InterceptConfig.defaults()));
    assertThat(run.out).isEqualTo("palisade init: applied with iptables-restore --noflush:\n"
        + IptablesRules.script(InterceptConfig.defaults())
        + "palisade init: IPv6 is off in this network namespace; no ip6tables rules\n");
  }

  @Test
  void applyFailsWhenTheTableIsNotAsWritten() {
    String twoJumps = installed() + "-A PREROUTING -p tcp -j PALISADE_INBOUND\n";
    var iptables = new RecordingIptables(CLEAN, twoJumps.replace(":PALISADE_REDIRECT - [0:0]\n", ""));
    var run = run(iptables);

    assertThat(run.exit).isEqualTo(InitCommand.FAILED);
    assertThat(run.err).isEqualTo("palisade init: iptables-restore succeeded but the nat table is not as written: "
        + "chain PALISADE_REDIRECT is missing; PREROUTING has 2 jumps to PALISADE_INBOUND, expected 1\n");
  }

  @Test
  void aFailingIptablesExitsWithOneAndItsMessage() {
    var iptables = new RecordingIptables(CLEAN) {
      @Override
      public void restore(String script) throws Iptables.IptablesException {
        throw new Iptables.IptablesException("iptables-restore --noflush failed (exit 4): Permission denied");
      }
    };
    var run = run(iptables);

    assertThat(run.exit).isEqualTo(InitCommand.FAILED);
    assertThat(run.err).isEqualTo("palisade init: iptables-restore --noflush failed (exit 4): Permission denied\n");
  }

  @Test
  void cleanupOfACleanNamespaceDoesNothing() {
    var iptables = new RecordingIptables(CLEAN);
    var run = run(iptables, "--cleanup");

    assertThat(run.exit).isZero();
    assertThat(iptables.calls).containsExactly("save nat");
    assertThat(run.out).isEqualTo("palisade init --cleanup: no Palisade rules in this network namespace; nothing to do\n");
  }

  @Test
  void cleanupRemovesWhatIsThere() {
    var iptables = new RecordingIptables(installed());
    var run = run(iptables, "--cleanup");

    assertThat(run.exit).isZero();
    assertThat(iptables.restored).containsExactly(IptablesRules.removalScript(installed()));
    assertThat(run.out).startsWith("palisade init --cleanup: removed with iptables-restore --noflush:\n");
  }

  @Test
  void helpPrintsTheFlags() {
    var run = run(new RecordingIptables(), "--help");

    assertThat(run.exit).isZero();
    assertThat(run.out).contains("--exclude-outbound-cidrs", "--cleanup", "--dry-run");
  }

  @Test
  void ipv6GetsTheSameInterceptionAsIpv4() {
    var ipv4 = new RecordingIptables(CLEAN, installed());
    var ipv6 = new RecordingIptables(CLEAN, installed());

    var run = run(family -> family == IpFamily.IPV4 ? ipv4 : ipv6, true);

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(ipv6.restored).singleElement().asString()
        .contains("-A PALISADE_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006")
        .contains("-A PALISADE_REDIRECT -p tcp -j REDIRECT --to-ports 15001")
        .contains("-A PALISADE_OUTPUT -m owner --uid-owner 1337 -j RETURN")
        .doesNotContain("127.0.0.");
    assertThat(run.out()).contains("applied with ip6tables-restore");
  }

  @Test
  void ipv6WithoutANatTableIsRefusedInsteadOfBypassingTheProxy() {
    var ipv4 = new RecordingIptables(CLEAN, installed());
    var ipv6 = new RecordingIptables() {
      @Override
      public String save(String table) throws IptablesException {
        if (table.equals("nat")) {
          throw new IptablesException("ip6tables-save failed: table nat does not exist");
        }
        return super.save(table);
      }
    };

    var run = run(family -> family == IpFamily.IPV4 ? ipv4 : ipv6, true);

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).contains("refusing IPv6 TCP instead");
    assertThat(ipv6.restored).singleElement().asString()
        .contains("-A OUTPUT -p tcp -j " + IptablesRules.IPV6_REFUSE_OUT)
        .contains("-A INPUT -p tcp -j " + IptablesRules.IPV6_REFUSE_IN)
        .contains("-A " + IptablesRules.IPV6_REFUSE_OUT + " -p tcp -j REJECT --reject-with tcp-reset");
  }

  @Test
  void ipv6ThatCanBeNeitherInterceptedNorRefusedFailsThePod() {
    var ipv4 = new RecordingIptables(CLEAN, installed());
    Iptables broken = new RecordingIptables() {
      @Override
      public String save(String table) throws IptablesException {
        throw new IptablesException("ip6tables-save not found on PATH, /usr/sbin or /sbin");
      }
    };

    var run = run(family -> family == IpFamily.IPV4 ? ipv4 : broken, true);

    assertThat(run.exit()).isEqualTo(InitCommand.FAILED);
    assertThat(run.err()).contains("would bypass the proxy");
  }

  private static final String CLEAN = "*nat\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";

  /** What iptables-save shows once the default rules are in (only the lines the check reads). */
  private static String installed() {
    return "*nat\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        + ":PALISADE_INBOUND - [0:0]\n:PALISADE_IN_REDIRECT - [0:0]\n:PALISADE_OUTPUT - [0:0]\n:PALISADE_REDIRECT - [0:0]\n"
        + "-A PREROUTING -p tcp -j PALISADE_INBOUND\n-A OUTPUT -p tcp -j PALISADE_OUTPUT\n";
  }

  private record Run(int exit, String out, String err) {}

  /** A pod without IPv6. */
  private static Run run(Iptables iptables, String... args) {
    return run(family -> family == IpFamily.IPV4 ? iptables : null, false, args);
  }

  private static Run run(Function<IpFamily, Iptables> iptables, boolean ipv6, String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int exit = InitCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), iptables, ipv6);
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Answers saves from a script of tables, records every call. */
  private static class RecordingIptables implements Iptables {
    final Deque<String> saves;
    final List<String> calls = new ArrayList<>();
    final List<String> restored = new ArrayList<>();

    RecordingIptables(String... saves) {
      this.saves = new ArrayDeque<>(List.of(saves));
    }

    @Override
    public String save(String table) throws IptablesException {
      calls.add("save " + table);
      if (!table.equals("nat")) {
        return "*" + table + "\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";
      }
      return saves.isEmpty() ? CLEAN : saves.pop();
    }

    @Override
    public void restore(String script) throws IptablesException {
      calls.add("restore");
      restored.add(script);
    }
  }
}
