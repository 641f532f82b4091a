package dev.palisade.sidecar.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Stands in for the application in the network-namespace tests: listeners that tell a test where
 * a connection arrived, so it can see whether the connection reached the app directly or through
 * the proxy. A plain listener answers every connection with
 * {@code <listener> <address:port it arrived on>}; with {@code --http} each listener is an HTTP
 * server that answers a GET with that line and a POST with the SHA-256 of the body it received.
 *
 * <p>Usage: {@code StandInApp [--http] app=0.0.0.0:8080 app=0.0.0.0:2222 ...}
 */
public final class StandInApp {

  private StandInApp() {}

  public static void main(String[] args) throws Exception {
    boolean http = args.length > 0 && args[0].equals("--http");
    for (String spec : Arrays.copyOfRange(args, http ? 1 : 0, args.length)) {
      StandIn.Listener listener = StandIn.Listener.parse(spec);
      InetAddress host = InetAddress.getByName(listener.host());
      if (http) {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, listener.port()), 50);
        server.createContext("/", exchange -> answer(listener.name(), exchange));
        server.start();
      } else {
        ServerSocket server = new ServerSocket(listener.port(), 50, host);
        Thread.ofVirtual().start(() -> serve(listener.name(), server));
      }
      System.out.println("listening " + listener.name() + " " + listener.host() + ":" + listener.port() + " uid " + StandIn.uid());
    }
    StandIn.runUntilStdinCloses();
  }

  private static void serve(String name, ServerSocket server) {
    while (true) {
      try (Socket socket = server.accept(); OutputStream out = socket.getOutputStream()) {
        out.write(arrival(name, socket.getLocalAddress(), socket.getLocalPort()));
      } catch (IOException e) {
        System.out.println("accept failed: " + e);
      }
    }
  }

  private static void answer(String name, HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = exchange.getRequestMethod().equals("POST")
          ? (HexFormat.of().formatHex(sha256(in)) + "\n").getBytes(StandardCharsets.US_ASCII)
          : arrival(name, exchange.getLocalAddress().getAddress(), exchange.getLocalAddress().getPort());
    }
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static byte[] arrival(String name, InetAddress address, int port) {
    return (name + " " + address.getHostAddress() + ":" + port + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] sha256(InputStream in) throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
