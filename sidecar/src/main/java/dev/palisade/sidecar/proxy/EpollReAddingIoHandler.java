package dev.palisade.sidecar.proxy;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.Native;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.ThreadAwareExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;

/**
 * Netty 4.2's {@link EpollIoHandler} with its one half-close bug worked around.
 *
 * <p>The bug (Netty 4.2.18, still in 4.2.20): when a channel's interest set becomes empty, its
 * registration takes the socket out of the epoll set ({@code EPOLL_CTL_DEL}, added by
 * netty/netty#16689 so that an idle socket's EPOLLHUP cannot wake the loop forever), but it stays
 * in its "added" state, so the next non-empty interest set is applied with {@code EPOLL_CTL_MOD},
 * which fails with ENOENT: {@code epoll_ctl(..) failed with error(-2): No such file or
 * directory}. A half-closed TCP channel gets there every time: once the peer's FIN is read,
 * Netty clears EPOLLIN (reading is over) and EPOLLRDHUP (seen), and if no write is waiting at
 * that moment the set is empty. The next write that cannot complete at once sets EPOLLOUT, the
 * MOD fails, and the channel is closed with the rest of the write lost.
 *
 * <p>The workaround wraps each registration: it notes when an empty set removed the socket, and
 * puts it back with {@code EPOLL_CTL_ADD} (Netty's public {@link Native#epollCtlAdd}) when the
 * next non-empty set comes; from then on the handler's own MOD and DEL are right again. The only
 * thing taken from Netty's internals is the epoll descriptor, read by reflection from the
 * handler's private {@code epollFd} field; if that field is not there (a Netty that renamed it),
 * {@link #newFactory} fails at start-up rather than the proxy failing on the first half-close.
 *
 * <p>It is also where each channel is registered through a {@link RoutedIoHandle}, so that a
 * {@link DirectRelay} can take the channel's read events while it serves the connection.
 */
final class EpollReAddingIoHandler implements IoHandler {

  private static final Field EPOLL_FD = epollFdField();

  private final EpollIoHandler delegate;

  private EpollReAddingIoHandler(EpollIoHandler delegate) {
    this.delegate = delegate;
  }

  /** Like {@link EpollIoHandler#newFactory()}, each handler wrapped. */
  static IoHandlerFactory newFactory() {
    if (EPOLL_FD == null) {
      throw new IllegalStateException("this Netty's EpollIoHandler has no epollFd field: the "
          + "half-close workaround needs updating (see EpollReAddingIoHandler)");
    }
    IoHandlerFactory factory = EpollIoHandler.newFactory();
    return new IoHandlerFactory() {
      @Override
      public IoHandler newHandler(ThreadAwareExecutor executor) {
        return new EpollReAddingIoHandler((EpollIoHandler) factory.newHandler(executor));
      }

      @Override
      public boolean isChangingThreadSupported() {
        return factory.isChangingThreadSupported();
      }
    };
  }

  private static Field epollFdField() {
    try {
      Field field = EpollIoHandler.class.getDeclaredField("epollFd");
      if (field.getType() != FileDescriptor.class) {
        return null;
      }
      field.setAccessible(true);
      return field;
    } catch (NoSuchFieldException | RuntimeException e) {
      return null;
    }
  }

  private int epollFd() {
    try {
      return ((FileDescriptor) EPOLL_FD.get(delegate)).intValue();
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public IoRegistration register(IoHandle handle) throws Exception {
    IoHandle routed = RoutedIoHandle.wrap(handle);
    IoRegistration registration = delegate.register(routed);
    return routed instanceof EpollIoHandle epoll
        ? new ReAddingRegistration(registration, epoll)
        : registration;
  }

  @Override
  public void initialize() {
    delegate.initialize();
  }

  @Override
  public int run(IoHandlerContext context) {
    return delegate.run(context);
  }

  @Override
  public void prepareToDestroy() {
    delegate.prepareToDestroy();
  }

  @Override
  public void destroy() {
    delegate.destroy();
  }

  @Override
  public void wakeup() {
    delegate.wakeup();
  }

  @Override
  public boolean isCompatible(Class<? extends IoHandle> handleType) {
    return delegate.isCompatible(handleType);
  }

  /**
   * Tracks what Netty's registration does not: whether the socket is in the epoll set. Netty
   * adds it on the first non-empty set and deletes it on an empty one; this re-adds it.
   */
  private final class ReAddingRegistration implements IoRegistration {
    private final IoRegistration delegate;
    private final EpollIoHandle handle;
    private boolean added;
    private boolean removed;

    ReAddingRegistration(IoRegistration delegate, EpollIoHandle handle) {
      this.delegate = delegate;
      this.handle = handle;
    }

    @Override
    public synchronized long submit(IoOps ops) {
      int value = ((EpollIoOps) ops).value();
      if (value == 0 && removed) {
        return 0; // already out of the set (a second DEL would fail with ENOENT too)
      }
      if (value != 0 && removed) {
        if (!delegate.isValid()) {
          return -1;
        }
        try {
          Native.epollCtlAdd(epollFd(), handle.fd().intValue(), value);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        removed = false;
        return value;
      }
      long result = delegate.submit(ops);
      if (value != 0 && result > 0) {
        added = true;
      } else if (value == 0 && added && result == 0) {
        removed = true; // Netty did EPOLL_CTL_DEL but still believes the socket is added
      }
      return result;
    }

    @Override
    public <T> T attachment() {
      return delegate.attachment();
    }

    @Override
    public boolean isValid() {
      return delegate.isValid();
    }

    @Override
    public boolean cancel() {
      return delegate.cancel();
    }
  }
}
