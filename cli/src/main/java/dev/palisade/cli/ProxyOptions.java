package dev.palisade.cli;

import dev.palisade.common.time.KubeDuration;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How to reach proxies' admin ports, for the commands that read them. */
final class ProxyOptions {

  @Option(names = "--proxy-timeout", defaultValue = "5s", paramLabel = "DURATION",
      description = "How long to wait for each proxy (default: ${DEFAULT-VALUE}).")
  String timeout;

  Duration timeout() {
    return KubeDuration.parse(timeout);
  }
}
