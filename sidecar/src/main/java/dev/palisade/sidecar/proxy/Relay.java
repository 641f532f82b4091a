package dev.palisade.sidecar.proxy;

import io.netty.channel.Channel;

/** Joins the two channels of a proxied connection once both are admitted. */
final class Relay {
  private Relay() {}

  /**
   * Points each side's {@link RelayHandler} at the other, starts reading both, and lets a
   * {@link DirectRelay} serve them whenever they are quiet (on epoll). Both
   * channels share one event loop (the upstream is connected on the downstream's loop), so this
   * runs without locks.
   */
  static void join(Channel downstream, Channel upstream) {
    RelayHandler down = downstream.pipeline().get(RelayHandler.class);
    RelayHandler up = upstream.pipeline().get(RelayHandler.class);
    if (down == null || up == null || !downstream.isActive() || !upstream.isActive()) {
      downstream.close();
      upstream.close();
      return;
    }
    down.attach(downstream, upstream, up);
    up.attach(upstream, downstream, down);
    down.readWhile(upstream.isWritable());
    up.readWhile(downstream.isWritable());
    DirectRelay direct = DirectRelay.between(downstream, down, upstream, up);
    if (direct != null) {
      down.useDirectRelay(direct);
      up.useDirectRelay(direct);
      direct.tryClaim();
    }
  }
}
