import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The JVM's floor for relaying (hack/bench-relay-floor.sh): a TCP relay from a listening port to
 * a target port on 127.0.0.1 with nothing a proxy needs beyond moving bytes. One selector thread,
 * one fixed direct buffer per direction, no allocation per request. Not a proxy: no TLS, no
 * backpressure (a write that cannot finish is retried at once, which 1 KB messages never need),
 * no half-close. Usage: java NioRelay.java LISTEN_PORT TARGET_PORT
 */
public final class NioRelay {

  private record Pair(SocketChannel client, SocketChannel target, ByteBuffer toTarget,
      ByteBuffer toClient) {}

  public static void main(String[] args) throws IOException {
    int listenPort = Integer.parseInt(args[0]);
    InetSocketAddress target = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1]));
    Selector selector = Selector.open();
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress("127.0.0.1", listenPort));
    server.configureBlocking(false);
    server.register(selector, SelectionKey.OP_ACCEPT);
    while (true) {
      selector.select(key -> {
        try {
          if (key.isAcceptable()) {
            accept(server, target, selector);
          } else if (key.isReadable()) {
            relay(key);
          }
        } catch (IOException e) {
          key.cancel();
          closeQuietly(key);
        }
      });
    }
  }

  private static void accept(ServerSocketChannel server, InetSocketAddress target,
      Selector selector) throws IOException {
    SocketChannel client = server.accept();
    if (client == null) {
      return;
    }
    SocketChannel upstream;
    try {
      upstream = SocketChannel.open(target);
    } catch (IOException e) {
      client.close();
      return;
    }
    Pair pair = new Pair(client, upstream, ByteBuffer.allocateDirect(16384),
        ByteBuffer.allocateDirect(16384));
    for (SocketChannel channel : new SocketChannel[] {client, upstream}) {
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ, pair);
    }
  }

  private static void relay(SelectionKey key) throws IOException {
    Pair pair = (Pair) key.attachment();
    boolean fromClient = key.channel() == pair.client();
    SocketChannel from = fromClient ? pair.client() : pair.target();
    SocketChannel to = fromClient ? pair.target() : pair.client();
    ByteBuffer buffer = fromClient ? pair.toTarget() : pair.toClient();
    if (from.read(buffer) < 0) {
      pair.client().close();
      pair.target().close();
      return;
    }
    buffer.flip();
    while (buffer.hasRemaining()) {
      to.write(buffer);
    }
    buffer.clear();
  }

  private static void closeQuietly(SelectionKey key) {
    Pair pair = (Pair) key.attachment();
    try {
      if (pair != null) {
        pair.client().close();
        pair.target().close();
      }
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
