package dev.palisade.operator.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Exact method + path routing; anything else is 404, or 405 with the methods the path has. */
public final class Routes {

  private final Map<String, Map<String, RequestHandler>> byPath = new LinkedHashMap<>();

  /** Adds a route; a second handler for the same method and path is a programming error. */
  public Routes add(String method, String path, RequestHandler handler) {
    var methods = byPath.computeIfAbsent(path, p -> new TreeMap<>());
    if (methods.putIfAbsent(method, handler) != null) {
      throw new IllegalArgumentException("two handlers for " + method + " " + path);
    }
    return this;
  }

  /** The handler for {@code method} and {@code path}, or what to answer when there is none. */
  public Optional<RequestHandler> find(String method, String path) {
    return Optional.ofNullable(byPath.getOrDefault(path, Map.of()).get(method));
  }

  /** 404 for an unknown path, 405 with {@code Allow} for a known path and a wrong method. */
  public Response notRouted(String method, String path) {
    Map<String, RequestHandler> methods = byPath.get(path);
    if (methods == null) {
      return Response.error(404, "not_found", "no endpoint " + path);
    }
    String allowed = String.join(", ", methods.keySet());
    return Response.error(405, "method_not_allowed", path + " accepts " + allowed + ", not " + method)
        .withHeader("Allow", allowed);
  }

  Routes copy() {
    Routes copy = new Routes();
    byPath.forEach((path, methods) -> copy.byPath.put(path, new TreeMap<>(methods)));
    return copy;
  }
}
