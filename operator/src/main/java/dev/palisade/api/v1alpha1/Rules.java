package dev.palisade.api.v1alpha1;

/**
 * CEL and regex fragments shared by the API's validation annotations. Kept as compile-time
 * constants so they can be used inside annotations.
 */
final class Rules {
  private Rules() {}

  /** Go duration syntax without a sign; matches {@code KubeDuration.REGEX} in src-common. */
  static final String DURATION_REGEX = "^([0-9]+(\\\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$";

  /** A positive duration; guards duration() so a typo yields this message, not a CEL error. */
  static final String POSITIVE_DURATION =
      "self.matches('" + DURATION_REGEX + "') && duration(self) > duration('0s')";
  static final String POSITIVE_DURATION_MESSAGE =
      "must be a positive duration: a number and a unit (h, m, s, ms), such as 24h, 90m or 1h30m";

  /** renewBefore, when set and both parse, is shorter than lifetime. */
  static final String RENEW_BEFORE_LIFETIME =
      "!has(self.renewBefore) || !self.renewBefore.matches('" + DURATION_REGEX + "')"
          + " || !self.lifetime.matches('" + DURATION_REGEX + "')"
          + " || duration(self.renewBefore) < duration(self.lifetime)";
  static final String RENEW_BEFORE_LIFETIME_MESSAGE =
      "renewBefore must be shorter than lifetime: the renewal point has to fall inside the"
          + " certificate's validity";

  /** lifetime, when maxLifetime is set and both parse, does not exceed maxLifetime. */
  static final String LIFETIME_WITHIN_MAXIMUM =
      "!has(self.maxLifetime) || !has(self.lifetime)"
          + " || !self.maxLifetime.matches('" + DURATION_REGEX + "')"
          + " || !self.lifetime.matches('" + DURATION_REGEX + "')"
          + " || duration(self.lifetime) <= duration(self.maxLifetime)";
  static final String LIFETIME_WITHIN_MAXIMUM_MESSAGE =
      "lifetime must not exceed maxLifetime";

  /** A drain period: at most an hour (a proxy shutting down drains for less anyway). */
  static final String DRAIN_PERIOD =
      "self.matches('" + DURATION_REGEX + "') && duration(self) > duration('0s')"
          + " && duration(self) <= duration('1h')";
  static final String DRAIN_PERIOD_MESSAGE =
      "must be a duration from 1s to 1h, such as 30s or 5m";

  static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
  static final String DNS_SUBDOMAIN = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

  /** A label key: an optional DNS subdomain prefix and '/', then a name of up to 63 characters. */
  static final String LABEL_KEY =
      "^(" + DNS_SUBDOMAIN + "/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";

  /** A label value: empty, or up to 63 characters beginning and ending alphanumeric. */
  static final String LABEL_VALUE = "^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$";

  static final String TRUST_DOMAIN = "[a-z0-9._-]{1,255}";
  static final String SPIFFE_SEGMENT = "[a-zA-Z0-9._-]+";

  /** spiffe://td/ns/NAMESPACE/sa/SERVICEACCOUNT, checked segment by segment. */
  static final String WORKLOAD_SPIFFE_ID =
      "^spiffe://" + TRUST_DOMAIN + "/ns/" + DNS_LABEL + "/sa/" + DNS_SUBDOMAIN + "$";

  /** A SPIFFE ID, optionally ending in a '*' wildcard after its last '/', or '*' alone. */
  static final String SPIFFE_ID_PATTERN =
      "^(\\\\*|spiffe://" + TRUST_DOMAIN + "(/" + SPIFFE_SEGMENT + ")*(/\\\\*)?)$";

  /** Hex with optional ':' separators, as openssl prints serials; SerialNumbers parses it. */
  static final String SERIAL_NUMBER = "^[0-9a-fA-F]+(:[0-9a-fA-F]+)*$";

  /** RFC 3339 as Kubernetes writes it; CEL's timestamp() rejects anything else. */
  static final String TIMESTAMP = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
      + "(\\\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$";
}
