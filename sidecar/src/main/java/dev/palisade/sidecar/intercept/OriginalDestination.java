package dev.palisade.sidecar.intercept;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * Where a connection that iptables REDIRECTed to the proxy was going: {@code getsockopt(fd, SOL_IP,
 * SO_ORIGINAL_DST)} on the accepted socket, which asks conntrack for the destination before NAT.
 * Called through the FFM API; the JVM needs {@code --enable-native-access=ALL-UNNAMED}.
 *
 * <p>IPv4 only, like the rules {@link IptablesRules} writes. Works on IPv4 sockets and on IPv6
 * sockets carrying IPv4 (v4-mapped) connections, which is what Netty's epoll transport creates.
 */
@SuppressWarnings("restricted") // the downcall is the point; the JVM flag above is how it is allowed
public final class OriginalDestination {

  private static final int SOL_IP = 0;
  private static final int SO_ORIGINAL_DST = 80;
  private static final int AF_INET = 2;
  static final int SOCKADDR_IN_SIZE = 16;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  // int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen)
  private static final MethodHandle GETSOCKOPT = LINKER.downcallHandle(
      LINKER.defaultLookup().find("getsockopt").orElseThrow(),
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS),
      Linker.Option.captureCallState("errno"));

  private OriginalDestination() {}

  /** The original destination of the connection accepted on {@code channel}. */
  public static InetSocketAddress of(EpollSocketChannel channel) throws SocketException {
    return of(channel.fd().intValue());
  }

  /**
   * The original destination of the connection accepted on {@code channel}, for the transports
   * the proxy uses: epoll, or NIO (which needs {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}).
   */
  public static InetSocketAddress of(Channel channel) throws SocketException {
    return switch (channel) {
      case EpollSocketChannel epoll -> of(epoll);
      case NioSocketChannel nio -> of(NioFileDescriptor.of(nio));
      default -> throw new SocketException(
          "cannot read the socket of a " + channel.getClass().getSimpleName());
    };
  }

  /**
   * The original destination of the TCP connection on socket {@code fd}.
   *
   * @throws SocketException naming the errno and its likely cause, for example when the connection
   *     was not redirected (ENOENT) or {@code fd} is not a socket
   */
  public static InetSocketAddress of(int fd) throws SocketException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment callState = arena.allocate(CALL_STATE);
      MemorySegment sockaddr = arena.allocate(SOCKADDR_IN_SIZE, 4);
      MemorySegment length = arena.allocateFrom(JAVA_INT, SOCKADDR_IN_SIZE);
      int result;
      try {
        result = (int) GETSOCKOPT.invokeExact(callState, fd, SOL_IP, SO_ORIGINAL_DST, sockaddr, length);
      } catch (Throwable t) {
        throw new IllegalStateException("getsockopt downcall failed", t);
      }
      if (result != 0) {
        throw failure(fd, (int) ERRNO.get(callState, 0L));
      }
      return decode(sockaddr);
    }
  }

  /** Reads a {@code struct sockaddr_in}: family (host order), port (network order) at 2, IPv4 at 4. */
  static InetSocketAddress decode(MemorySegment sockaddrIn) throws SocketException {
    short family = sockaddrIn.get(JAVA_SHORT, 0);
    if (family != AF_INET) {
      throw new SocketException("SO_ORIGINAL_DST returned address family " + family + ", expected AF_INET (2)");
    }
    int port = Short.toUnsignedInt(sockaddrIn.get(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2));
    byte[] ip = sockaddrIn.asSlice(4, 4).toArray(JAVA_BYTE);
    try {
      return new InetSocketAddress(InetAddress.getByAddress(ip), port);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 bytes are always an IPv4 address", e);
    }
  }

  private static SocketException failure(int fd, int errno) {
    String why = switch (errno) {
      case 2 -> "ENOENT: conntrack has no NAT entry for this connection; it was not redirected by iptables";
      case 9 -> "EBADF: not an open file descriptor";
      case 88 -> "ENOTSOCK: not a socket";
      case 92 -> "ENOPROTOOPT: SO_ORIGINAL_DST is unavailable; is the nf_conntrack module loaded?";
      case 107 -> "ENOTCONN: the socket is not connected";
      default -> "errno " + errno;
    };
    return new SocketException("getsockopt(" + fd + ", SOL_IP, SO_ORIGINAL_DST) failed: " + why);
  }
}
