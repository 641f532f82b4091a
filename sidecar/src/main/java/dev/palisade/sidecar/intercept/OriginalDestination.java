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
 * <p>For IPv4 connections (on IPv4 sockets, or v4-mapped on the dual-stack IPv6 sockets Netty's
 * epoll transport creates) {@code SOL_IP}; for IPv6 connections {@code SOL_IPV6} with
 * {@code IP6T_SO_ORIGINAL_DST} (the same number), which answers a {@code struct sockaddr_in6}.
 */
@SuppressWarnings("restricted") // the downcall is the point; the JVM flag above is how it is allowed
public final class OriginalDestination {

  private static final int SOL_IP = 0;
  private static final int SO_ORIGINAL_DST = 80;
  private static final int SOL_IPV6 = 41;
  private static final int AF_INET = 2;
  private static final int AF_INET6 = 10;
  static final int SOCKADDR_IN_SIZE = 16;
  static final int SOCKADDR_IN6_SIZE = 28;

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
    return of(channel.fd().intValue(), isIpv6(channel));
  }

  /**
   * The original destination of the connection accepted on {@code channel}, for the transports
   * the proxy uses: epoll, or NIO (which needs {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}).
   */
  public static InetSocketAddress of(Channel channel) throws SocketException {
    return switch (channel) {
      case EpollSocketChannel epoll -> of(epoll);
      case NioSocketChannel nio -> of(NioFileDescriptor.of(nio), isIpv6(nio));
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
    return of(fd, false);
  }

  /** @param ipv6 whether the connection is IPv6 (not v4-mapped): then SOL_IPV6 is asked */
  static InetSocketAddress of(int fd, boolean ipv6) throws SocketException {
    int size = ipv6 ? SOCKADDR_IN6_SIZE : SOCKADDR_IN_SIZE;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment callState = arena.allocate(CALL_STATE);
      MemorySegment sockaddr = arena.allocate(size, 4);
      MemorySegment length = arena.allocateFrom(JAVA_INT, size);
      int result;
      try {
        result = (int) GETSOCKOPT.invokeExact(callState, fd, ipv6 ? SOL_IPV6 : SOL_IP,
            SO_ORIGINAL_DST, sockaddr, length);
      } catch (Throwable t) {
        throw new IllegalStateException("getsockopt downcall failed", t);
      }
      if (result != 0) {
        throw failure(fd, (int) ERRNO.get(callState, 0L));
      }
      return ipv6 ? decode6(sockaddr) : decode(sockaddr);
    }
  }

  /** An IPv6 peer that is not an IPv4 one in v4-mapped form (Netty reports those as IPv4). */
  private static boolean isIpv6(Channel channel) {
    return channel.remoteAddress() instanceof InetSocketAddress remote
        && remote.getAddress() instanceof java.net.Inet6Address v6
        && !isV4Mapped(v6.getAddress());
  }

  private static boolean isV4Mapped(byte[] address) {
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return false;
      }
    }
    return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
  }

  /**
   * Reads a {@code struct sockaddr_in6}: family (host order), port (network order) at 2,
   * flow info at 4, the address at 8, scope id at 24.
   */
  static InetSocketAddress decode6(MemorySegment sockaddrIn6) throws SocketException {
    short family = sockaddrIn6.get(JAVA_SHORT, 0);
    if (family != AF_INET6) {
      throw new SocketException("SO_ORIGINAL_DST returned address family " + family
          + ", expected AF_INET6 (10)");
    }
    int port = Short.toUnsignedInt(sockaddrIn6.get(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2));
    byte[] ip = sockaddrIn6.asSlice(8, 16).toArray(JAVA_BYTE);
    try {
      return new InetSocketAddress(InetAddress.getByAddress(ip), port);
    } catch (UnknownHostException e) {
      throw new AssertionError("16 bytes are always an IPv6 address", e);
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
    return new SocketException("getsockopt(" + fd + ", SO_ORIGINAL_DST) failed: " + why);
  }
}
