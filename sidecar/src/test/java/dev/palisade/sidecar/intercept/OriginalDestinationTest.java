package dev.palisade.sidecar.intercept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

/** The sockaddr decoding and error reporting; the real redirect is InterceptionIT's job. */
class OriginalDestinationTest {

  @Test
  void decodesPortInNetworkOrderAndTheAddress() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment sockaddr = arena.allocate(OriginalDestination.SOCKADDR_IN_SIZE);
      sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) 2); // AF_INET, host order
      sockaddr.set(ValueLayout.JAVA_BYTE, 2, (byte) 0x1f); // 8080 = 0x1f90, big-endian
      sockaddr.set(ValueLayout.JAVA_BYTE, 3, (byte) 0x90);
      MemorySegment.copy(new byte[] {(byte) 198, 18, 0, 2}, 0, sockaddr, ValueLayout.JAVA_BYTE, 4, 4);

      assertThat(OriginalDestination.decode(sockaddr)).isEqualTo(new InetSocketAddress("198.18.0.2", 8080));
    }
  }

  @Test
  void decodesPortsAboveShortMaxValue() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment sockaddr = arena.allocate(OriginalDestination.SOCKADDR_IN_SIZE);
      sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) 2);
      sockaddr.set(ValueLayout.JAVA_BYTE, 2, (byte) 0xea); // 60000 = 0xea60
      sockaddr.set(ValueLayout.JAVA_BYTE, 3, (byte) 0x60);

      assertThat(OriginalDestination.decode(sockaddr).getPort()).isEqualTo(60000);
    }
  }

  @Test
  void refusesAnotherAddressFamily() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment sockaddr = arena.allocate(OriginalDestination.SOCKADDR_IN_SIZE);
      sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) 10);

      assertThatThrownBy(() -> OriginalDestination.decode(sockaddr))
          .isInstanceOf(SocketException.class)
          .hasMessage("SO_ORIGINAL_DST returned address family 10, expected AF_INET (2)");
    }
  }

  @Test
  void aBadDescriptorIsReportedWithItsErrno() {
    // The real syscall on an fd that cannot be open: proves the downcall and errno capture work.
    assertThatThrownBy(() -> OriginalDestination.of(-1))
        .isInstanceOf(SocketException.class)
        .hasMessage("getsockopt(-1, SO_ORIGINAL_DST) failed: EBADF: not an open file descriptor");
  }
}
