package dev.palisade.operator.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.SocketAddress;
import java.util.Optional;

/**
 * One HTTP request, fully read and detached from Netty's buffers, so a handler may use it on any
 * thread. {@code body} is empty when the server refused to read an oversized one.
 */
public record Request(String method, String path, HttpHeaders headers, byte[] body,
    SocketAddress remoteAddress) {

  /** A header's value (names are case-insensitive), if present. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }
}
