package dev.palisade.sidecar.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Plain TCP clients with bounded waits. */
public final class Clients {

  private static final int CONNECT_TIMEOUT_MS = 5_000;
  private static final int READ_TIMEOUT_MS = 30_000;

  private Clients() {}

  public static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
        CONNECT_TIMEOUT_MS);
    socket.setSoTimeout(READ_TIMEOUT_MS);
    socket.setTcpNoDelay(true);
    return socket;
  }

  /** Reads exactly {@code n} bytes (fails on EOF or after the read timeout). */
  public static String readExactly(Socket socket, int n) throws IOException {
    byte[] bytes = socket.getInputStream().readNBytes(n);
    if (bytes.length < n) {
      throw new IOException("EOF after " + bytes.length + " of " + n + " bytes");
    }
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  /** Reads until the peer closes its output. */
  public static String readToEnd(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.US_ASCII);
  }

  /**
   * Whether the server closed the connection without sending anything: EOF or a reset (a
   * refused TLS peer may be reset rather than closed).
   */
  public static boolean closedWithoutData(Socket socket) {
    try {
      return socket.getInputStream().read() == -1;
    } catch (IOException e) {
      return !(e instanceof java.net.SocketTimeoutException);
    }
  }

  public static void write(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
  }
}
