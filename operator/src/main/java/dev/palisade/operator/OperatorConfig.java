package dev.palisade.operator;

import dev.palisade.common.time.KubeDuration;
import java.time.Duration;
import java.util.Map;

/**
 * The operator's settings, from environment variables the chart sets.
 *
 * @param namespace the operator's namespace ({@code PALISADE_NAMESPACE}, default
 *     {@code palisade-system}): CA Secrets, leases
 * @param trustDomain the trust domain it signs workload identities in
 *     ({@code PALISADE_TRUST_DOMAIN}, default {@code cluster.local})
 * @param bundlePropagation how long a new root is in the trust bundle before leaves chain to it
 *     ({@code PALISADE_BUNDLE_PROPAGATION}, default {@code 10m})
 * @param leaderElection whether reconcilers run only on the elected replica
 *     ({@code PALISADE_LEADER_ELECTION}, default {@code true})
 */
public record OperatorConfig(String namespace, String trustDomain, Duration bundlePropagation,
    boolean leaderElection) {

  public static OperatorConfig fromEnvironment(Map<String, String> env) {
    return new OperatorConfig(
        env.getOrDefault("PALISADE_NAMESPACE", "palisade-system"),
        env.getOrDefault("PALISADE_TRUST_DOMAIN", "cluster.local"),
        KubeDuration.parse(env.getOrDefault("PALISADE_BUNDLE_PROPAGATION", "10m")),
        Boolean.parseBoolean(env.getOrDefault("PALISADE_LEADER_ELECTION", "true")));
  }
}
