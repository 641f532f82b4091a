package dev.palisade.common.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads the JSON documents operator and sidecar exchange (the config records, the signing
 * request and answer) into their records, with errors that name the JSON path of what was
 * wrong: {@code inbound.rules[2].matches[0].ports[1]: '0' is not a port (1..65535)}.
 *
 * <p>{@link #strict()} refuses unknown fields: for files people write, where a typo must not
 * silently widen access. {@link #lenient()} ignores them: for answers from a newer peer.
 * Record constructors check values and throw {@link IllegalArgumentException} with a message
 * that starts with the field's name relative to the record ({@code ports[1]: ...}); the path of
 * the record is put in front of it here.
 */
public final class JsonDocuments {

  private static final JsonDocuments STRICT = new JsonDocuments(true);
  private static final JsonDocuments LENIENT = new JsonDocuments(false);

  private final ObjectMapper mapper;

  private JsonDocuments(boolean strict) {
    mapper = JsonMapper.builder()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, strict)
        .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
        .configure(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS, true)
        .build();
  }

  public static JsonDocuments strict() {
    return STRICT;
  }

  public static JsonDocuments lenient() {
    return LENIENT;
  }

  /**
   * @throws IllegalArgumentException when {@code json} is not JSON or not a {@code type}; the
   *     message names the JSON path
   */
  public <T> T read(String json, Class<T> type) {
    try {
      T value = mapper.readValue(json, type);
      if (value == null) {
        throw new IllegalArgumentException("expected an object, not null");
      }
      return value;
    } catch (JsonMappingException e) {
      throw new IllegalArgumentException(describe(e), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? ""
              : " (line " + e.getLocation().getLineNr() + ", column "
                  + e.getLocation().getColumnNr() + ")"), e);
    }
  }

  /** Writes {@code value} as compact JSON. */
  public String write(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  private static String describe(JsonMappingException e) {
    String path = path(e.getPath());
    if (e instanceof UnrecognizedPropertyException unknown) {
      return path + ": unknown field (expected one of " + unknown.getKnownPropertyIds().stream()
          .map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")";
    }
    if (e instanceof ValueInstantiationException && e.getCause() != null) {
      String problem = e.getCause() instanceof NullPointerException npe
          ? npe.getMessage() + ": required" : e.getCause().getMessage();
      return path.isEmpty() ? problem : path + "." + problem;
    }
    String where = path.isEmpty() ? "$" : path;
    if (e instanceof InvalidFormatException format) {
      Class<?> target = format.getTargetType();
      if (target != null && target.isEnum()) {
        return where + ": '" + format.getValue() + "' is not one of "
            + Arrays.toString(target.getEnumConstants());
      }
      return where + ": '" + format.getValue() + "' is not " + expected(target);
    }
    if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
      return where + ": expected " + expected(mismatch.getTargetType());
    }
    return where + ": " + e.getOriginalMessage();
  }

  private static String expected(Class<?> type) {
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "a whole number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(type)) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "an object";
    }
    return "a " + type.getSimpleName();
  }

  private static String path(List<JsonMappingException.Reference> references) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference reference : references) {
      if (reference.getFieldName() != null) {
        if (!out.isEmpty()) {
          out.append('.');
        }
        out.append(reference.getFieldName());
      } else if (reference.getIndex() >= 0) {
        out.append('[').append(reference.getIndex()).append(']');
      }
    }
    return out.toString();
  }
}
