package dev.palisade.operator.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.SocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request, fully read and detached from Netty's buffers, so a handler may use it on any
 * thread. {@code body} is empty when the server refused to read an oversized one.
 *
 * @param query the decoded query parameters, each with its values in order
 * @param peerCertificates the client's certificate chain, leaf first, as the TLS handshake
 *     verified it against the server's trust; empty without TLS or when the client sent none
 */
public record Request(String method, String path, HttpHeaders headers, byte[] body,
    SocketAddress remoteAddress, Map<String, List<String>> query,
    List<X509Certificate> peerCertificates) {

  public Request {
    query = Map.copyOf(query);
    peerCertificates = List.copyOf(peerCertificates);
  }

  /** A request without query parameters or client certificate. */
  public Request(String method, String path, HttpHeaders headers, byte[] body,
      SocketAddress remoteAddress) {
    this(method, path, headers, body, remoteAddress, Map.of(), List.of());
  }

  /** A header's value (names are case-insensitive), if present. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  /** The first value of query parameter {@code name}, if present. */
  public Optional<String> queryParameter(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
  }
}
