package dev.palisade.sidecar.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The application behind a sidecar in tests: a blocking server on 127.0.0.1, one virtual thread
 * per connection, that records what each connection received.
 */
public final class TestApp implements AutoCloseable {

  public enum Behaviour {
    /** Echoes every byte; at end of input shuts its output (a half-close reply). */
    ECHO,
    /** Reads until end of input, then answers "received N bytes sha256 H" and closes. */
    REPLY_AFTER_EOF,
    /**
     * Reads until end of input, then sends {@link #LARGE_REPLY_SIZE} bytes from
     * {@link #largeReply()} and closes: a response that has to wait on a half-closed connection.
     */
    LARGE_REPLY_AFTER_EOF,
    /** Writes {@link #BANNER} at once and closes (for openssl s_client). */
    BANNER
  }

  public static final String BANNER = "hello from the application";

  public static final int LARGE_REPLY_SIZE = 32 * 1024 * 1024;

  /** What {@link Behaviour#LARGE_REPLY_AFTER_EOF} sends, the same every time. */
  public static byte[] largeReply() {
    byte[] reply = new byte[LARGE_REPLY_SIZE];
    new java.util.SplittableRandom(9).nextBytes(reply);
    return reply;
  }

  /** What one connection sent us. */
  public record Received(long bytes, String sha256) {}

  private final ServerSocket server;
  private final Behaviour behaviour;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

  private TestApp(ServerSocket server, Behaviour behaviour) {
    this.server = server;
    this.behaviour = behaviour;
  }

  public static TestApp start(Behaviour behaviour) throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    TestApp app = new TestApp(server, behaviour);
    app.threads.submit(app::acceptLoop);
    return app;
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Per finished connection, in order of finishing. */
  public BlockingQueue<Received> received() {
    return received;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        threads.submit(() -> serve(socket));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      if (behaviour == Behaviour.BANNER) {
        out.write((BANNER + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return;
      }
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      long total = 0;
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha.update(buffer, 0, n);
        total += n;
        if (behaviour == Behaviour.ECHO) {
          out.write(buffer, 0, n);
        }
      }
      String digest = HexFormat.of().formatHex(sha.digest());
      if (behaviour == Behaviour.REPLY_AFTER_EOF) {
        out.write(("received " + total + " bytes sha256 " + digest + "\n")
            .getBytes(StandardCharsets.US_ASCII));
      } else if (behaviour == Behaviour.LARGE_REPLY_AFTER_EOF) {
        out.write(largeReply());
      }
      out.flush();
      socket.shutdownOutput();
      received.add(new Received(total, digest));
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      received.add(new Received(-1, e.toString()));
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
