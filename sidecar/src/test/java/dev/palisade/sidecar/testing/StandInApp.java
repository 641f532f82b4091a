package dev.palisade.sidecar.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Stands in for the application in InterceptionIT: plain listeners that answer every connection
 * with {@code <listener> <address:port it arrived on>}, so a test can tell whether a connection
 * reached the app directly or was redirected to the proxy.
 *
 * <p>Usage: {@code StandInApp app=0.0.0.0:8080 app=0.0.0.0:2222 ...}
 */
public final class StandInApp {

  private StandInApp() {}

  public static void main(String[] args) throws Exception {
    for (String spec : args) {
      StandIn.Listener listener = StandIn.Listener.parse(spec);
      ServerSocket server = new ServerSocket(listener.port(), 50, InetAddress.getByName(listener.host()));
      Thread.ofVirtual().start(() -> serve(listener.name(), server));
      System.out.println("listening " + listener.name() + " " + listener.host() + ":" + listener.port() + " uid " + StandIn.uid());
    }
    StandIn.runUntilStdinCloses();
  }

  private static void serve(String name, ServerSocket server) {
    while (true) {
      try (Socket socket = server.accept(); OutputStream out = socket.getOutputStream()) {
        String reply = name + " " + socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort() + "\n";
        out.write(reply.getBytes(StandardCharsets.US_ASCII));
      } catch (IOException e) {
        System.out.println("accept failed: " + e);
      }
    }
  }
}
