package dev.palisade.operator.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.palisade.common.config.ConfigDocument;
import dev.palisade.common.config.InboundDocument;
import dev.palisade.common.config.OutboundDocument;
import dev.palisade.common.config.RevocationsDocument;
import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.OutboundPolicy;
import dev.palisade.common.revocation.Revocations;
import dev.palisade.operator.http.Json;
import dev.palisade.operator.policy.PolicyCompiler;
import dev.palisade.operator.policy.PolicySnapshot;
import dev.palisade.operator.policy.Workload;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Renders a workload's {@link ConfigDocument} from the policies and the trust bundle: compiles
 * its inbound policy, serializes the document canonically and versions it by a hash of its
 * content. Pure: no I/O, no state, so equal inputs give equal bytes and versions on every
 * replica.
 */
final class ConfigRenderer {

  /** Map keys sorted, so equal documents serialize to equal bytes, hence equal versions. */
  private static final ObjectMapper CANONICAL = Json.MAPPER.copy()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private final String trustDomain;
  private final int pollTimeoutSeconds;

  ConfigRenderer(String trustDomain, Duration pollTimeout) {
    this.trustDomain = trustDomain;
    this.pollTimeoutSeconds = (int) pollTimeout.toSeconds();
  }

  /**
   * The configuration of {@code workload}; {@code previous} itself when nothing it was rendered
   * from changed (serializing is the expensive part, and most recomputes change nothing).
   *
   * @param previous the workload's last rendering, or null
   */
  PublishedConfig render(Workload workload, PolicySnapshot policies, String roots,
      Revocations revocations, PublishedConfig previous) {
    InboundPolicy inbound = PolicyCompiler.inbound(policies, workload);
    String spiffeId = workload.identity(trustDomain).toString();
    if (previous != null && previous.inbound().equals(inbound)
        && Objects.equals(previous.bundle(), roots)
        && previous.spiffeId().equals(spiffeId)
        && previous.revocations().equals(revocations)) {
      return previous;
    }
    ConfigDocument document = new ConfigDocument("", spiffeId, InboundDocument.of(inbound),
        OutboundDocument.of(OutboundPolicy.passthrough(), DestinationsEndpoint.PATH), roots,
        pollTimeoutSeconds, RevocationsDocument.of(revocations));
    try {
      String version = version(CANONICAL.writeValueAsBytes(document));
      return new PublishedConfig(version,
          CANONICAL.writeValueAsBytes(document.withVersion(version)), inbound, roots, spiffeId,
          revocations);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a configuration", e);
    }
  }

  /** 16 hex digits of SHA-256: collisions are out of reach for the versions of one pod. */
  private static String version(byte[] document) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(document);
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
