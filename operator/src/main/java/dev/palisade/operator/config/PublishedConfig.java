package dev.palisade.operator.config;

import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.revocation.Revocations;

/**
 * One workload's configuration, rendered and ready to send: the serialized document and its
 * version, and what it was rendered from, so a recompute can tell whether anything changed.
 */
record PublishedConfig(String version, byte[] body, InboundPolicy inbound, String bundle,
    String spiffeId, Revocations revocations) {}
