package dev.palisade.sidecar.intercept;

import io.netty.channel.nio.AbstractNioChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.lang.reflect.Method;
import java.net.SocketException;

/**
 * The file descriptor under a Netty NIO channel, for {@code getsockopt(SO_ORIGINAL_DST)}: the
 * JDK's socket implementation ({@code sun.nio.ch.SelChImpl.getFDVal()}) knows it but does not
 * export it, so the JVM must run with {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}.
 */
final class NioFileDescriptor {

  private static final Method JAVA_CHANNEL;
  private static final Method GET_FD_VAL;
  private static final String PROBLEM;

  static {
    Method javaChannel = null;
    Method getFdVal = null;
    String problem = null;
    try {
      javaChannel = AbstractNioChannel.class.getDeclaredMethod("javaChannel");
      javaChannel.setAccessible(true); // protected in Netty, which is on our class path
      getFdVal = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
    } catch (ReflectiveOperationException | RuntimeException e) {
      problem = e.toString();
    }
    JAVA_CHANNEL = javaChannel;
    GET_FD_VAL = getFdVal;
    PROBLEM = problem;
  }

  private NioFileDescriptor() {}

  static int of(NioSocketChannel channel) throws SocketException {
    if (PROBLEM != null) {
      throw new SocketException("cannot reach NIO file descriptors: " + PROBLEM);
    }
    try {
      return (int) GET_FD_VAL.invoke(JAVA_CHANNEL.invoke(channel));
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new SocketException("cannot read the file descriptor of an NIO socket (run with"
          + " --add-exports java.base/sun.nio.ch=ALL-UNNAMED): " + e);
    }
  }
}
