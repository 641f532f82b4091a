package dev.palisade.sidecar;

import dev.palisade.sidecar.intercept.InitCommand;
import dev.palisade.sidecar.intercept.RedirectedDestinations;
import dev.palisade.sidecar.proxy.ProxyCommand;
import dev.palisade.sidecar.selfcheck.SelfCheckCommand;
import java.util.Arrays;

/**
 * {@code palisade-proxy <command>} (bin/palisade-proxy): {@code init} (the iptables init
 * container), {@code proxy}, or {@code selfcheck}.
 */
public final class Main {

  private static final String USAGE = """
      usage: palisade-proxy <command> [flags]
        init    write the pod's iptables interception rules (init --help for the flags)
        proxy   run the mTLS proxy
        selfcheck [n]  send bytes through two proxies on loopback over mTLS (no operator needed)
      """;

  private Main() {}

  public static void main(String[] args) {
    String[] rest = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
    int exit = switch (args.length > 0 ? args[0] : "") {
      case "init" -> InitCommand.run(rest);
      // Destinations come from SO_ORIGINAL_DST (iptables REDIRECT) unless --inbound-target-port
      // / --outbound-target fix them; the JVM needs --add-exports java.base/sun.nio.ch=ALL-UNNAMED.
      case "proxy" -> ProxyCommand.run(rest, new RedirectedDestinations());
      case "selfcheck" -> SelfCheckCommand.run(rest);
      default -> {
        System.err.print(USAGE);
        yield 2;
      }
    };
    System.exit(exit);
  }
}
