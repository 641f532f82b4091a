package dev.palisade.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.sidecar.testing.Clients;
import dev.palisade.sidecar.testing.Metrics;
import dev.palisade.sidecar.testing.TestApp.Behaviour;
import dev.palisade.sidecar.testing.TestApp;
import dev.palisade.testing.TestCa.PemFiles;
import dev.palisade.testing.TestCa;
import dev.palisade.testing.CommandLine;
import dev.palisade.testing.Openssl;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy as the command line starts it: PEM files, a JSON policy file, fixed targets. */
class ProxyCommandIT {

  private static final TestCa CA = TestCa.create("cluster.local");

  @TempDir
  Path dir;

  @Test
  void runsStandaloneFromPemFilesAndAPolicyFile() throws Exception {
    PemFiles server = CA.write(CA.leaf(CA.identity("shop", "cart")), dir.resolve("server"), "tls");
    PemFiles client = CA.write(CA.leaf(CA.identity("shop", "frontend")), dir.resolve("client"),
        "tls");
    Path config = dir.resolve("sidecar-config.json");
    try (TestApp app = TestApp.start(Behaviour.BANNER)) {
      Files.writeString(config, """
          {"inbound": {"defaultMode": "STRICT", "portModes": {"%d": "PERMISSIVE"}}}
          """.formatted(app.port()));
      ProxyRuntime runtime = ProxyCommand.start(new String[] {
          "--trust-domain=cluster.local", "--cert=" + server.chain(), "--key=" + server.key(),
          "--ca-bundle=" + server.bundle(), "--config=" + config,
          "--inbound-target-port=" + app.port(), "--outbound-target=127.0.0.1:1",
          "--listen-address=127.0.0.1", "--admin-address=127.0.0.1", "--ephemeral-ports", "--worker-threads=1"}, null).runtime();
      try {
        assertThat(Metrics.get(runtime.adminAddress(), "/healthz/ready").statusCode())
            .isEqualTo(200);
        try (Socket plaintext = Clients.connect(runtime.inboundAddress().getPort())) {
          Clients.write(plaintext, "hi");
          assertThat(Clients.readToEnd(plaintext)).isEqualTo(TestApp.BANNER + "\n");
        }
        CommandLine.Result mtls = Openssl.sClient(runtime.inboundAddress().getPort(), List.of(
            "-tls1_3", "-cert", client.chain().toString(), "-cert_chain",
            client.chain().toString(), "-key", client.key().toString(), "-CAfile",
            client.bundle().toString()), "", Duration.ofSeconds(20));
        assertThat(mtls.output()).contains(TestApp.BANNER);
      } finally {
        assertThat(Metrics.post(runtime.adminAddress(), "/shutdown").statusCode())
            .isEqualTo(200);
        runtime.terminated().get(20, TimeUnit.SECONDS);
      }
    }
  }
}
