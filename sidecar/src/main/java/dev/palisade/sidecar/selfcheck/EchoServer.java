package dev.palisade.sidecar.selfcheck;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP application on loopback that echoes each connection until the client half-closes, then
 * half-closes back: what {@code selfcheck} puts behind a proxy (tests use it too).
 */
public final class EchoServer implements AutoCloseable {

  private final ServerSocket socket;

  private EchoServer(ServerSocket socket) {
    this.socket = socket;
  }

  /** Listens on an ephemeral loopback port; a virtual thread per connection. */
  public static EchoServer start() throws IOException {
    ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    EchoServer server = new EchoServer(socket);
    Thread.ofVirtual().name("echo-server").start(server::acceptUntilClosed);
    return server;
  }

  private void acceptUntilClosed() {
    while (!socket.isClosed()) {
      try {
        Socket connection = socket.accept();
        Thread.ofVirtual().start(() -> echo(connection));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static void echo(Socket connection) {
    try (connection; InputStream in = connection.getInputStream();
        OutputStream out = connection.getOutputStream()) {
      in.transferTo(out);
      connection.shutdownOutput();
    } catch (IOException e) {
      // the client sees the difference
    }
  }

  public int port() {
    return socket.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
