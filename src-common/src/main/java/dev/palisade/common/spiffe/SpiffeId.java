package dev.palisade.common.spiffe;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A SPIFFE ID as the SPIFFE ID specification defines it: {@code spiffe://<trust domain>/<path>}.
 *
 * <p>Parsing is strict, so that anything accepted here is accepted by every other SPIFFE
 * implementation: lowercase scheme and trust domain, no port, user info, query or fragment, and
 * no empty, {@code .} or {@code ..} path segments.
 */
public record SpiffeId(String trustDomain, List<String> path) {

  public static final String SCHEME_PREFIX = "spiffe://";
  public static final int MAX_LENGTH = 2048;
  public static final int MAX_TRUST_DOMAIN_LENGTH = 255;

  private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]+");
  private static final Pattern SEGMENT = Pattern.compile("[a-zA-Z0-9._-]+");

  public SpiffeId {
    path = List.copyOf(path);
    requireValidTrustDomain(trustDomain);
    path.forEach(SpiffeId::requireValidSegment);
  }

  /** Parses {@code text}, or throws {@link InvalidSpiffeIdException} saying what is wrong. */
  public static SpiffeId parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new InvalidSpiffeIdException("SPIFFE ID is empty");
    }
    if (text.length() > MAX_LENGTH) {
      throw new InvalidSpiffeIdException("SPIFFE ID is longer than " + MAX_LENGTH + " bytes");
    }
    if (!text.startsWith(SCHEME_PREFIX)) {
      throw new InvalidSpiffeIdException("SPIFFE ID must start with " + SCHEME_PREFIX + ": " + text);
    }
    String rest = text.substring(SCHEME_PREFIX.length());
    int slash = rest.indexOf('/');
    String trustDomain = slash < 0 ? rest : rest.substring(0, slash);
    if (slash < 0) {
      return new SpiffeId(trustDomain, List.of());
    }
    String path = rest.substring(slash + 1);
    if (path.isEmpty() || path.endsWith("/")) {
      throw new InvalidSpiffeIdException("SPIFFE ID path must not end with '/': " + text);
    }
    return new SpiffeId(trustDomain, List.of(path.split("/", -1)));
  }

  private static void requireValidTrustDomain(String trustDomain) {
    if (trustDomain == null || trustDomain.isEmpty()) {
      throw new InvalidSpiffeIdException("SPIFFE ID trust domain is empty");
    }
    if (trustDomain.length() > MAX_TRUST_DOMAIN_LENGTH) {
      throw new InvalidSpiffeIdException(
          "SPIFFE trust domain is longer than " + MAX_TRUST_DOMAIN_LENGTH + " characters");
    }
    if (!TRUST_DOMAIN.matcher(trustDomain).matches()) {
      throw new InvalidSpiffeIdException("SPIFFE trust domain may only contain lowercase letters,"
          + " digits, '.', '-' and '_': " + trustDomain);
    }
  }

  private static void requireValidSegment(String segment) {
    if (segment.isEmpty()) {
      throw new InvalidSpiffeIdException("SPIFFE ID path has an empty segment");
    }
    if (segment.equals(".") || segment.equals("..")) {
      throw new InvalidSpiffeIdException("SPIFFE ID path segments may not be '.' or '..'");
    }
    if (!SEGMENT.matcher(segment).matches()) {
      throw new InvalidSpiffeIdException("SPIFFE ID path segments may only contain letters, digits,"
          + " '.', '-' and '_': " + segment);
    }
  }

  @Override
  public String toString() {
    return path.isEmpty()
        ? SCHEME_PREFIX + trustDomain
        : SCHEME_PREFIX + trustDomain + "/" + String.join("/", path);
  }
}
