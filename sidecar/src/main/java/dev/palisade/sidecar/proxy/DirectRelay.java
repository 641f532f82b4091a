package dev.palisade.sidecar.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast path of an established connection: while nothing unusual happens, the two sockets are
 * served straight from epoll ({@link RoutedIoHandle}), each read decrypted or encrypted with the
 * handshake's own BoringSSL engine and sent on at once, with no pipeline, no outbound buffer and
 * no allocation per request. Netty's channels stay registered, open and in charge of everything
 * else: the first time anything is not the plain case (end of input, an error, a send the kernel
 * cannot take whole, a TLS close or post-handshake message, bytes already queued in a channel)
 * the relay {@linkplain #release releases} the pair and hands what it holds to the channels'
 * pipelines, where {@link RelayHandler} carries on; it {@linkplain #tryClaim claims} the pair
 * again once both channels are quiet. Half-close, backpressure, close_notify, live enforcement
 * and draining therefore keep working through the pipeline exactly as before.
 *
 * <p>It holds nothing between two events: the buffers are one pair per event loop, and whatever a
 * read leaves over is handed to the pipeline. Every method runs on the connection's event loop.
 */
final class DirectRelay {

  private static final Logger LOG = LoggerFactory.getLogger(DirectRelay.class);

  /** Reads per event before the rest is left to Netty's fairness between connections. */
  private static final int MAX_READS_PER_EVENT = 16;
  private static final int EPOLLIN = EpollIoOps.EPOLLIN.value();
  /** The SslHandler's buffer of bytes it has read but not yet decrypted; must be empty to claim. */
  private static final VarHandle CUMULATION = cumulationHandle();
  private static final FastThreadLocal<Buffers> BUFFERS = new FastThreadLocal<>() {
    @Override
    protected Buffers initialValue() {
      return new Buffers();
    }
  };

  private final End downstream;
  private final End upstream;
  private final IdleTimeout idle;
  private boolean claimed;

  private DirectRelay(End downstream, End upstream, IdleTimeout idle) {
    this.downstream = downstream;
    this.upstream = upstream;
    this.idle = idle;
    downstream.partner = upstream;
    upstream.partner = downstream;
    downstream.relay = this;
    upstream.relay = this;
  }

  /**
   * A relay for the pair, or null where the channels cannot have one: not on the epoll
   * transport, or TLS on both sides (the proxy never terminates TLS twice).
   */
  static DirectRelay between(Channel downstream, RelayHandler downRelay, Channel upstream,
      RelayHandler upRelay) {
    RoutedIoHandle down = RoutedIoHandle.of(downstream);
    RoutedIoHandle up = RoutedIoHandle.of(upstream);
    SslHandler downTls = downstream.pipeline().get(SslHandler.class);
    SslHandler upTls = upstream.pipeline().get(SslHandler.class);
    if (down == null || up == null || (downTls != null && upTls != null)
        || ((downTls != null || upTls != null) && CUMULATION == null)) {
      return null;
    }
    return new DirectRelay(new End(downstream, down, downTls, downRelay),
        new End(upstream, up, upTls, upRelay), downstream.pipeline().get(IdleTimeout.class));
  }

  /** Takes the pair over if both channels are quiet; otherwise leaves it to the pipeline. */
  void tryClaim() {
    if (!claimed && downstream.quiet() && upstream.quiet()) {
      claimed = true;
      downstream.route.routeTo(downstream);
      upstream.route.routeTo(upstream);
    }
  }

  /** Whether the relay serves the pair now (else the pipeline does). */
  boolean claimed() {
    return claimed;
  }

  /** Gives both sockets back to their channels. */
  void release() {
    if (claimed) {
      claimed = false;
      downstream.route.routeTo(null);
      upstream.route.routeTo(null);
    }
  }

  /** One socket of the pair. */
  static final class End {
    private final Channel channel;
    private final Socket socket;
    private final RoutedIoHandle route;
    private final SslHandler tls;
    private final SSLEngine engine;
    private final RelayHandler relayHandler;
    private DirectRelay relay;
    private End partner;

    private End(Channel channel, RoutedIoHandle route, SslHandler tls, RelayHandler relayHandler) {
      this.channel = channel;
      this.socket = (Socket) route.fd();
      this.route = route;
      this.tls = tls;
      this.engine = tls == null ? null : tls.engine();
      this.relayHandler = relayHandler;
    }

    /**
     * Nothing in flight in the channel: handshake done, both directions open, reading on, no
     * bytes queued for the socket, none read and not yet decrypted.
     */
    private boolean quiet() {
      return channel.isActive() && channel.config().isAutoRead()
          && !relayHandler.inputEnded()
          && !(channel instanceof DuplexChannel duplex
              && (duplex.isInputShutdown() || duplex.isOutputShutdown()))
          && nothingQueued()
          && (tls == null || (tls.handshakeFuture().isSuccess() && !engine.isInboundDone()
              && !engine.isOutboundDone() && !undecrypted(tls)));
    }

    /** No bytes waiting in the channel to be written to this socket. */
    private boolean nothingQueued() {
      ChannelOutboundBuffer queued = channel.unsafe().outboundBuffer();
      return queued != null && queued.totalPendingWriteBytes() == 0 && queued.isEmpty();
    }

    /**
     * An epoll event for this socket, while the relay serves it.
     *
     * @return whether it was handled here; if not, the relay has released the pair and the
     *     channel handles the event (reading what is left, an end of input, an error)
     */
    boolean readable(int ops) {
      DirectRelay pair = relay;
      if (ops != EPOLLIN) {
        pair.release();
        return false;
      }
      Buffers buffers = BUFFERS.get();
      ByteBuffer in = buffers.in;
      long inAddress = PlatformDependent.directBufferAddress(in);
      for (int reads = 0; reads < MAX_READS_PER_EVENT; reads++) {
        int read;
        try {
          read = socket.recvAddress(inAddress, 0, in.capacity());
        } catch (IOException e) {
          pair.release();
          channel.pipeline().fireExceptionCaught(e); // RelayHandler closes the pair
          return true;
        }
        if (read == 0) {
          return true; // nothing more for now
        }
        if (read < 0) {
          pair.release();
          return false; // the end of input: the channel's half-close
        }
        if (pair.idle != null) {
          pair.idle.activity();
        }
        in.clear().limit(read);
        if (!pair.forward(this, partner, in, buffers.out)) {
          return false; // released: the channel reads whatever is left
        }
        if (read < in.capacity()) {
          return true;
        }
      }
      pair.release();
      return false; // a long burst: the channel reads the rest, fairly with other connections
    }

    /**
     * Sends all of {@code bytes} (a direct buffer); false if the socket took less, or failed
     * (then released).
     */
    private boolean send(ByteBuffer bytes) {
      long address = PlatformDependent.directBufferAddress(bytes);
      try {
        while (bytes.hasRemaining()) {
          int sent = socket.sendAddress(address, bytes.position(), bytes.limit());
          if (sent == 0) {
            return false;
          }
          bytes.position(bytes.position() + sent);
        }
        return true;
      } catch (IOException e) {
        relay.release();
        bytes.position(bytes.limit()); // lost, as a failed write is in the pipeline
        channel.pipeline().fireExceptionCaught(e); // RelayHandler closes the pair
        return false;
      }
    }

    /** Bytes ready for the socket (encrypted already, if TLS), queued behind the channel's. */
    private void queueRaw(ByteBuffer bytes) {
      if (bytes.hasRemaining()) {
        ChannelOutboundInvoker below = tls == null ? channel : channel.pipeline().context(tls);
        below.writeAndFlush(copy(bytes), channel.voidPromise());
      }
    }

    /** Plaintext for the peer, through the pipeline (encrypted there, if TLS). */
    private void queuePlaintext(ByteBuffer bytes) {
      if (bytes.hasRemaining()) {
        channel.writeAndFlush(copy(bytes), channel.voidPromise());
      }
    }

    /** Encrypted bytes read here but not decrypted yet, handed to the SslHandler. */
    private void unread(ByteBuffer bytes) {
      if (bytes.hasRemaining()) {
        channel.pipeline().fireChannelRead(copy(bytes));
        channel.pipeline().fireChannelReadComplete();
      }
    }

    private void sslFailed(SSLException e) {
      channel.pipeline().context(tls).fireExceptionCaught(e); // RelayHandler closes the pair
    }
  }

  /**
   * Relays what {@code from} read: decrypted if it came over TLS, encrypted if it goes out over
   * TLS, else as it is.
   *
   * @return false if the pair was released (what was not sent is queued in the pipeline)
   */
  private boolean forward(End from, End to, ByteBuffer in, ByteBuffer out) {
    if (!to.nothingQueued()) {
      release(); // bytes queued ahead in the channel: this must go after them
      if (from.tls != null) {
        from.unread(in);
      } else {
        from.relayHandler.relayed(in.remaining());
        to.queuePlaintext(in);
      }
      return false;
    }
    if (from.tls != null) {
      return decryptAndSend(from, to, in, out);
    }
    from.relayHandler.relayed(in.remaining());
    return to.tls != null ? encryptAndSend(to, in, out) : sendOrQueue(to, in, null);
  }

  /**
   * Decrypts all of {@code in} and everything the engine can decrypt with it, sending it to
   * {@code to} while the socket takes it and queueing it in the channel from the first send that
   * does not complete. The engine may hold decrypted bytes past a full output buffer; they are
   * taken out here in any case, since nothing else would ask for them until the peer sends more.
   */
  private boolean decryptAndSend(End from, End to, ByteBuffer in, ByteBuffer out) {
    boolean direct = true;
    boolean toAnswer = false;
    while (true) {
      out.clear();
      SSLEngineResult result;
      try {
        result = from.engine.unwrap(in, out);
      } catch (SSLException e) {
        release();
        from.sslFailed(e);
        return false;
      }
      out.flip();
      if (out.hasRemaining()) {
        from.relayHandler.relayed(out.remaining());
        if (direct && !to.send(out)) {
          release();
          direct = false;
        }
        if (!direct) {
          to.queueRaw(out);
        }
      }
      if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
        release(); // the peer's close_notify: the pipeline closes as it would have
        from.channel.pipeline().context(from.tls)
            .fireUserEventTriggered(SslCloseCompletionEvent.SUCCESS);
        return false;
      }
      // A post-handshake message to answer (a key update): the SslHandler does it on flush.
      toAnswer |= result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP
          || result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK;
      boolean moreDecrypted = result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW
          && result.bytesProduced() > 0; // the output filled up: the engine holds the rest
      if (!moreDecrypted
          && (!in.hasRemaining() || (result.bytesConsumed() == 0 && result.bytesProduced() == 0))) {
        break;
      }
    }
    if (in.hasRemaining() || toAnswer) {
      release();
      from.unread(in);
      if (toAnswer) {
        from.channel.flush();
      }
      return false;
    }
    return direct;
  }

  private boolean encryptAndSend(End to, ByteBuffer in, ByteBuffer out) {
    while (in.hasRemaining()) {
      out.clear();
      SSLEngineResult result;
      try {
        result = to.engine.wrap(in, out);
      } catch (SSLException e) {
        release();
        to.sslFailed(e);
        return false;
      }
      out.flip();
      if (result.getStatus() == SSLEngineResult.Status.CLOSED
          || (result.bytesConsumed() == 0 && result.bytesProduced() == 0)) {
        release(); // the pipeline decides what becomes of it
        to.queueRaw(out);
        to.queuePlaintext(in);
        return false;
      }
      if (!sendOrQueue(to, out, in)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Sends {@code bytes} to {@code to}; if it takes less, releases the pair and queues the rest,
   * then {@code plaintextAfter} (not encrypted yet), in the channel.
   */
  private boolean sendOrQueue(End to, ByteBuffer bytes, ByteBuffer plaintextAfter) {
    if (to.send(bytes)) {
      return true;
    }
    release();
    to.queueRaw(bytes);
    if (plaintextAfter != null) {
      to.queuePlaintext(plaintextAfter);
    }
    return false;
  }

  private static ByteBuf copy(ByteBuffer bytes) {
    ByteBuf copy = Unpooled.directBuffer(bytes.remaining());
    copy.writeBytes(bytes);
    return copy;
  }

  private static VarHandle cumulationHandle() {
    try {
      return MethodHandles.privateLookupIn(ByteToMessageDecoder.class, MethodHandles.lookup())
          .findVarHandle(ByteToMessageDecoder.class, "cumulation", ByteBuf.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("TLS connections are relayed through the pipeline only: this Netty's "
          + "ByteToMessageDecoder has no cumulation field ({})", e.toString());
      return null;
    }
  }

  private static boolean undecrypted(SslHandler tls) {
    ByteBuf cumulation = (ByteBuf) CUMULATION.get(tls);
    return cumulation != null && cumulation.isReadable();
  }

  /** One pair of buffers per event loop: in for what is read, out for what is sent on. */
  private static final class Buffers {
    private static final int SIZE = 64 * 1024;
    final ByteBuffer in = ByteBuffer.allocateDirect(SIZE);
    final ByteBuffer out = ByteBuffer.allocateDirect(SIZE + 1024);
  }
}
