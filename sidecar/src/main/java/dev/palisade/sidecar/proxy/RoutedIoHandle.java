package dev.palisade.sidecar.proxy;

import io.netty.channel.Channel;
import io.netty.channel.IoEvent;
import io.netty.channel.IoHandle;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.unix.FileDescriptor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How an epoll channel is registered with its event loop: its events go to the channel as usual,
 * except while a {@link DirectRelay} serves the socket, which then takes the ones it can (data to
 * read) and leaves the rest to the channel. Installed for every channel by
 * {@link EpollReAddingIoHandler#register}; found again from the channel with {@link #of}.
 */
final class RoutedIoHandle implements EpollIoHandle {

  /** By the channel's unsafe, the handle Netty registers: each channel is in here once. */
  private static final Map<Channel.Unsafe, RoutedIoHandle> BY_CHANNEL = new ConcurrentHashMap<>();

  private final EpollIoHandle channel;
  private final Channel.Unsafe key;
  /** Set and read on the event loop only. */
  private DirectRelay.End relay;

  private RoutedIoHandle(EpollIoHandle channel, Channel.Unsafe key) {
    this.channel = channel;
    this.key = key;
  }

  /** {@code handle} itself unless it is a channel's: wrapped, and remembered once registered. */
  static IoHandle wrap(IoHandle handle) {
    return handle instanceof EpollIoHandle epoll && handle instanceof Channel.Unsafe unsafe
        ? new RoutedIoHandle(epoll, unsafe) : handle;
  }

  /** The handle registered for {@code channel}, or null (another transport, or closed). */
  static RoutedIoHandle of(Channel channel) {
    return BY_CHANNEL.get(channel.unsafe());
  }

  /** Serves this socket's reads from {@code end} from now on, or from the channel if null. */
  void routeTo(DirectRelay.End end) {
    this.relay = end;
  }

  @Override
  public FileDescriptor fd() {
    return channel.fd();
  }

  @Override
  public void handle(IoRegistration registration, IoEvent event) {
    DirectRelay.End end = relay;
    if (end == null || !end.readable(((EpollIoEvent) event).ops().value())) {
      channel.handle(registration, event);
    }
  }

  @Override
  public void registered() {
    BY_CHANNEL.put(key, this);
    channel.registered();
  }

  @Override
  public void unregistered() {
    forget();
    channel.unregistered();
  }

  @Override
  public void close() throws Exception {
    forget();
    channel.close();
  }

  private void forget() {
    relay = null;
    BY_CHANNEL.remove(key, this);
  }
}
