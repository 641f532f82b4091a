package dev.palisade.operator.http;

import dev.palisade.common.json.ErrorDocument;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a handler answers: a status, a body with its content type, and any extra headers. */
public record Response(int status, String contentType, byte[] body, Map<String, String> headers) {

  public static final String JSON = "application/json";

  public Response {
    headers = Map.copyOf(headers);
  }

  /** {@code body} serialized by Jackson (records, maps, lists). */
  public static Response json(int status, Object body) {
    try {
      return new Response(status, JSON, Json.MAPPER.writeValueAsBytes(body), Map.of());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialize " + body.getClass().getName(), e);
    }
  }

  public static Response text(int status, String contentType, String body) {
    return new Response(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /**
   * The error shape every Palisade endpoint uses: {@code {"error": <reason>, "message": <text>}},
   * where {@code reason} comes from a small closed set and {@code message} is for humans.
   */
  public static Response error(int status, String reason, String message) {
    return json(status, new ErrorDocument(reason, message));
  }

  /** This response with one more header. */
  public Response withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new Response(status, contentType, body, more);
  }
}
