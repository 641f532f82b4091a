package dev.palisade.sidecar.tls;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * How TLS contexts are built.
 *
 * @param trustDomain peers must carry a SPIFFE ID of this trust domain
 * @param minVersion the oldest TLS version accepted (1.3 unless explicitly lowered)
 * @param sessionTimeout how long a session may be resumed (resumption re-checks expiry)
 * @param outboundResumption whether outbound connections offer to resume an earlier session
 *     (false: each makes a full handshake; inbound, a client's offer is always considered)
 * @param groups the key exchange groups offered, most preferred first (BoringSSL's names)
 * @param clock the time certificates are checked against
 * @param verification where peers' chains are verified, off the event loops
 */
public record TlsSettings(String trustDomain, TlsVersion minVersion, Duration sessionTimeout,
    boolean outboundResumption, List<String> groups, Clock clock, Executor verification) {

  public TlsSettings {
    groups = KeyExchangeGroups.parse(groups);
  }

  /** The ALPN protocol sidecars announce to each other. */
  public static final String ALPN_PROTOCOL = "palisade/1";

  /** How long a session may be resumed. */
  public static final Duration SESSION_TIMEOUT = Duration.ofHours(1);

  public enum TlsVersion {
    TLS_1_2, TLS_1_3;

    /** Accepts {@code 1.2}/{@code 1.3}, as the command line spells them. */
    public static TlsVersion parse(String text) {
      return switch (text) {
        case "1.3", "TLSv1.3" -> TLS_1_3;
        case "1.2", "TLSv1.2" -> TLS_1_2;
        default -> throw new IllegalArgumentException(
            "unsupported TLS version '" + text + "': use 1.3 (default) or 1.2");
      };
    }
  }

  public static TlsSettings defaults(String trustDomain) {
    return new TlsSettings(trustDomain, TlsVersion.TLS_1_3, SESSION_TIMEOUT, true,
        KeyExchangeGroups.PREFERRED, Clock.systemUTC(), VerificationExecutor.shared());
  }

  /** These settings with chains verified on {@code executor}. */
  public TlsSettings withVerification(Executor executor) {
    return new TlsSettings(trustDomain, minVersion, sessionTimeout, outboundResumption, groups,
        clock, executor);
  }

  /** These settings with outbound resumption on or off. */
  public TlsSettings withOutboundResumption(boolean resume) {
    return new TlsSettings(trustDomain, minVersion, sessionTimeout, resume, groups, clock,
        verification);
  }

  /** These settings offering only {@code offered}, most preferred first. */
  public TlsSettings withGroups(List<String> offered) {
    return new TlsSettings(trustDomain, minVersion, sessionTimeout, outboundResumption, offered,
        clock, verification);
  }

  /** The protocol names for Netty, newest last. */
  public List<String> protocols() {
    return minVersion == TlsVersion.TLS_1_3 ? List.of("TLSv1.3") : List.of("TLSv1.2", "TLSv1.3");
  }
}
