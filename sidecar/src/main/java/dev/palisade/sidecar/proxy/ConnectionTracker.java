package dev.palisade.sidecar.proxy;

import dev.palisade.sidecar.metrics.Direction;
import dev.palisade.sidecar.metrics.ProxyMetrics;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every accepted connection, for the connection metrics and for draining: {@link #drained()}
 * completes when the last one closes.
 */
final class ConnectionTracker {

  private final ProxyMetrics metrics;
  private final ChannelGroup accepted =
      new DefaultChannelGroup("palisade-accepted", GlobalEventExecutor.INSTANCE);
  private final AtomicInteger open = new AtomicInteger();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile boolean draining;

  ConnectionTracker(ProxyMetrics metrics) {
    this.metrics = metrics;
  }

  void track(Channel channel, Direction direction) {
    metrics.connectionOpened(direction);
    open.incrementAndGet();
    accepted.add(channel);
    channel.closeFuture().addListener(closed -> {
      metrics.connectionClosed(direction);
      if (open.decrementAndGet() == 0 && draining) {
        drained.complete(null);
      }
    });
  }

  int open() {
    return open.get();
  }

  /** Completes once no accepted connection is open; call after the listeners stopped. */
  CompletableFuture<Void> drained() {
    draining = true;
    if (open.get() == 0) {
      drained.complete(null);
    }
    return drained;
  }

  ChannelGroupFuture closeAll() {
    return accepted.close();
  }
}
