package dev.palisade.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.sidecar.testing.Clients;
import dev.palisade.sidecar.testing.Mesh;
import dev.palisade.sidecar.testing.TestApp;
import dev.palisade.sidecar.testing.TestApp.Behaviour;
import dev.palisade.testing.TestCa;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --idle-timeout} through two real proxies: a connection that relays nothing either way
 * for the timeout is closed, and one that keeps relaying, in either direction, is not.
 */
class IdleTimeoutIT {

  private static final TestCa CA = TestCa.create("cluster.local");
  private static final Duration IDLE = Duration.ofSeconds(1);

  private static TestApp echo;
  private static Mesh mesh;

  @BeforeAll
  static void start() throws Exception {
    echo = TestApp.start(Behaviour.ECHO);
    mesh = Mesh.start(CA, echo.port(), InboundPolicy.strictDefault(), Optional.empty(),
        b -> b.idleTimeout(IDLE), a -> a.idleTimeout(IDLE));
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
    echo.close();
  }

  @Test
  void aConnectionThatRelaysNothingIsClosedAfterTheTimeout() throws Exception {
    try (Socket client = mesh.connect()) {
      Clients.write(client, "ping\n");
      assertThat(Clients.readExactly(client, 5)).isEqualTo("ping\n");
      long quiet = System.nanoTime();

      // Blocks until the proxy closes the connection (the read is bounded by 30 s).
      assertThat(client.getInputStream().read()).as("end of stream").isEqualTo(-1);
      // The proxies relayed the echo a moment before this client read it, so they count from a
      // little earlier; not at once, though.
      assertThat(Duration.ofNanos(System.nanoTime() - quiet)).isGreaterThan(IDLE.dividedBy(2));
    }
  }

  @Test
  void aConnectionThatKeepsRelayingStaysOpenPastTheTimeout() throws Exception {
    try (Socket client = mesh.connect()) {
      long started = System.nanoTime();
      int round = 0;
      // Bounded: three timeouts' worth of traffic, a message every tenth of the timeout.
      while (Duration.ofNanos(System.nanoTime() - started).compareTo(IDLE.multipliedBy(3)) < 0
          && round < 1000) {
        String message = "round " + (round++ % 10) + "\n";
        Clients.write(client, message);
        assertThat(Clients.readExactly(client, message.length())).isEqualTo(message);
        Thread.sleep(IDLE.toMillis() / 10); // pacing the traffic, not waiting for a result
      }
      assertThat(round).isGreaterThan(20);
    }
  }
}
