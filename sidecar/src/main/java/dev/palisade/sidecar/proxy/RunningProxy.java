package dev.palisade.sidecar.proxy;

import dev.palisade.sidecar.config.ConfigPoller;

/** A started proxy and, when an operator configures it, its config poller. */
public record RunningProxy(ProxyRuntime runtime, ConfigPoller poller) implements AutoCloseable {

  /** Stops polling, then drains and stops the proxy; returns once it has stopped. */
  @Override
  public void close() {
    if (poller != null) {
      poller.close();
    }
    runtime.close();
  }
}
