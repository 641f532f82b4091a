package dev.palisade.operator.policy;

import dev.palisade.api.v1alpha1.AccessPolicy;
import dev.palisade.api.v1alpha1.AccessPolicySpec;
import dev.palisade.api.v1alpha1.MeshPolicy;
import dev.palisade.api.v1alpha1.MeshPolicySpec;
import dev.palisade.common.policy.AccessRule;
import dev.palisade.common.policy.IdentityPattern;
import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.PeerMatch;
import dev.palisade.common.policy.PolicyAction;
import dev.palisade.common.time.KubeDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Resolves the policies of a {@link PolicySnapshot} for one workload into the
 * {@link InboundPolicy} its sidecar enforces. Pure: the same snapshot and workload always give
 * an equal result.
 *
 * <p>mTLS mode of port {@code p}: the first of, in order, the workload-level policy's entry for
 * {@code p}, its {@code mode}, the namespace-wide policy's entry for {@code p}, its {@code mode},
 * the mesh-wide policy's entry for {@code p}, its {@code mode}, and finally {@code STRICT}. At
 * each level the oldest policy that applies is the one in effect; the others are overridden.
 *
 * <p>Access rules: every AccessPolicy of the workload's namespace that selects it, one
 * {@link AccessRule} per policy, ordered by name; {@link InboundPolicy#authorize} evaluates DENY
 * before ALLOW. A policy that cannot be evaluated fails closed (see {@link #accessRule}).
 */
public final class PolicyCompiler {

  /** The mode when no MeshPolicy says anything: only mTLS. */
  public static final MtlsMode BUILT_IN_MODE = MtlsMode.STRICT;

  private PolicyCompiler() {}

  /** The effective inbound policy of {@code workload}. */
  public static InboundPolicy inbound(PolicySnapshot snapshot, Workload workload) {
    List<Winner> levels = winners(resolveMesh(snapshot, workload));
    MtlsMode defaultMode = levels.stream().map(winner -> winner.policy().getSpec().mode)
        .filter(m -> m != null).findFirst().orElse(BUILT_IN_MODE);
    Set<Integer> ports = new TreeSet<>();
    levels.forEach(winner -> portModes(winner.policy().getSpec()).keySet().forEach(ports::add));
    Map<Integer, MtlsMode> portModes = new TreeMap<>();
    for (int port : ports) {
      MtlsMode mode = modeFor(levels, port).mode();
      if (mode != defaultMode) {
        portModes.put(port, mode);
      }
    }
    return new InboundPolicy(defaultMode, portModes, accessRules(snapshot, workload),
        drainOnPolicyChange(levels));
  }

  /** A drain period, when not set: what MeshPolicy's drainPeriod documents. */
  public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);

  /**
   * From the most specific level whose MeshPolicy in effect says what happens to established
   * connections a change no longer admits: zero for Close (the default), else the drain period.
   */
  private static Duration drainOnPolicyChange(List<Winner> levels) {
    return levels.stream().map(winner -> winner.policy().getSpec().establishedConnections)
        .filter(Objects::nonNull).findFirst()
        .map(established -> established.onPolicyChange != MeshPolicySpec.OnPolicyChange.Drain
            ? Duration.ZERO
            : drainPeriod(established.drainPeriod))
        .orElse(Duration.ZERO);
  }

  /** The API validates it (1s to 1h); an object from before that validation gets the default. */
  private static Duration drainPeriod(String text) {
    if (text == null) {
      return DEFAULT_DRAIN;
    }
    try {
      Duration period = KubeDuration.parse(text);
      return period.isNegative() || period.isZero() || period.compareTo(MAX_DRAIN) > 0
          ? DEFAULT_DRAIN : period;
    } catch (IllegalArgumentException e) {
      return DEFAULT_DRAIN;
    }
  }

  private static final Duration MAX_DRAIN = Duration.ofHours(1);

  /** For each level, the MeshPolicy in effect for {@code workload}, and the ones overridden. */
  public static MeshResolution resolveMesh(PolicySnapshot snapshot, Workload workload) {
    Map<MeshLevel, MeshPolicy> winners = new EnumMap<>(MeshLevel.class);
    List<MeshResolution.Overridden> overridden = new ArrayList<>();
    List<MeshPolicy> candidates = new ArrayList<>(snapshot.meshPolicies(workload.namespace()));
    if (!workload.namespace().equals(snapshot.operatorNamespace())) {
      candidates.addAll(snapshot.meshPolicies(snapshot.operatorNamespace()).stream()
          .filter(p -> snapshot.levelOf(p) == MeshLevel.MESH).toList());
    }
    candidates.sort(PolicySnapshot.OLDEST_FIRST);
    for (MeshPolicy policy : candidates) {
      if (!applies(policy, workload)) {
        continue;
      }
      MeshLevel level = snapshot.levelOf(policy);
      MeshPolicy winner = winners.putIfAbsent(level, policy);
      if (winner != null) {
        overridden.add(new MeshResolution.Overridden(policy, winner, level));
      }
    }
    return new MeshResolution(winners, overridden);
  }

  /** Whether {@code policy} (of the workload's namespace or mesh-wide) applies to it at all. */
  public static boolean applies(MeshPolicy policy, Workload workload) {
    if (policy.getSpec() == null || Selectors.problem(policy.getSpec().selector).isPresent()) {
      return false; // not applied; its status says why
    }
    return Selectors.matches(policy.getSpec().selector, workload.labels());
  }

  /** The AccessPolicies that select {@code workload}, as rules, ordered by policy name. */
  public static List<AccessRule> accessRules(PolicySnapshot snapshot, Workload workload) {
    List<AccessRule> rules = new ArrayList<>();
    for (AccessPolicy policy : snapshot.accessPolicies(workload.namespace())) {
      if (selects(policy, workload)) {
        accessRule(policy).ifPresent(rules::add);
      }
    }
    return rules;
  }

  /**
   * Whether {@code policy} selects {@code workload}. A selector that cannot be evaluated selects
   * every workload of the namespace: for ALLOW and DENY alike, selecting more is the restrictive
   * direction (fail closed).
   */
  public static boolean selects(AccessPolicy policy, Workload workload) {
    if (policy.getSpec() == null || !policy.getMetadata().getNamespace()
        .equals(workload.namespace())) {
      return false;
    }
    var selector = policy.getSpec().selector;
    return Selectors.problem(selector).isPresent() || Selectors.matches(selector, workload.labels());
  }

  /**
   * {@code policy} as a rule. Should its rules not convert (the API server's CEL rules prevent
   * it), it fails closed: a DENY matches every connection, an ALLOW none; an AUDIT is dropped.
   */
  static Optional<AccessRule> accessRule(AccessPolicy policy) {
    String key = PolicySnapshot.key(policy);
    AccessPolicySpec spec = policy.getSpec();
    if (spec.action == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new AccessRule(key, spec.action, peerMatches(policy)));
    } catch (IllegalArgumentException e) {
      return switch (spec.action) {
        case DENY -> Optional.of(new AccessRule(key, PolicyAction.DENY,
            List.of(new PeerMatch(List.of(), Set.of(), Set.of(), Set.of()))));
        case ALLOW -> Optional.of(new AccessRule(key, PolicyAction.ALLOW, List.of()));
        case AUDIT -> Optional.empty();
      };
    }
  }

  /** What is wrong with {@code policy}'s rules, if anything (empty when they convert). */
  public static Optional<String> ruleProblem(AccessPolicy policy) {
    try {
      peerMatches(policy);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  private static List<PeerMatch> peerMatches(AccessPolicy policy) {
    String namespace = policy.getMetadata().getNamespace();
    List<AccessPolicySpec.Rule> rules = policy.getSpec().rules == null
        ? List.of() : policy.getSpec().rules;
    if (rules.isEmpty()) {
      throw new IllegalArgumentException("spec.rules is empty");
    }
    List<PeerMatch> matches = new ArrayList<>();
    for (AccessPolicySpec.Rule rule : rules) {
      matches.add(new PeerMatch(
          orEmpty(rule.identities).stream().map(IdentityPattern::new).toList(),
          Set.copyOf(orEmpty(rule.namespaces)),
          orEmpty(rule.serviceAccounts).stream()
              .map(sa -> sa.contains("/") ? sa : namespace + "/" + sa)
              .collect(Collectors.toSet()),
          Set.copyOf(orEmpty(rule.ports))));
    }
    return matches;
  }

  /**
   * Where the mTLS mode of a port comes from: the MeshPolicy in effect that sets it, at which
   * level, and whether by its entry for the port ({@code spec.ports}) or its {@code mode}; no
   * policy (null) means the built-in {@link #BUILT_IN_MODE}. For explanations ({@code palisade
   * policy explain}); {@link #inbound} resolves modes by the same rule.
   */
  public record ModeSource(MtlsMode mode, MeshPolicy policy, MeshLevel level, boolean portEntry) {}

  /** Which MeshPolicy decides the mTLS mode of {@code workload}'s {@code port}. */
  public static ModeSource modeSource(PolicySnapshot snapshot, Workload workload, int port) {
    return modeFor(winners(resolveMesh(snapshot, workload)), port);
  }

  private record Winner(MeshLevel level, MeshPolicy policy) {}

  /** The winner of each level, most specific first. */
  private static List<Winner> winners(MeshResolution resolution) {
    List<Winner> levels = new ArrayList<>();
    for (MeshLevel level : MeshLevel.values()) { // most specific first
      resolution.winner(level).ifPresent(policy -> levels.add(new Winner(level, policy)));
    }
    return levels;
  }

  private static ModeSource modeFor(List<Winner> levels, int port) {
    for (Winner winner : levels) {
      MeshPolicy policy = winner.policy();
      MeshPolicySpec spec = policy.getSpec();
      MeshLevel level = winner.level();
      MtlsMode forPort = portModes(spec).get(port);
      if (forPort != null) {
        return new ModeSource(forPort, policy, level, true);
      }
      if (spec.mode != null) {
        return new ModeSource(spec.mode, policy, level, false);
      }
    }
    return new ModeSource(BUILT_IN_MODE, null, null, false);
  }

  private static Map<Integer, MtlsMode> portModes(MeshPolicySpec spec) {
    Map<Integer, MtlsMode> modes = new TreeMap<>();
    if (spec.ports != null) {
      for (MeshPolicySpec.PortMode port : spec.ports) {
        if (port != null && port.port != null && port.mode != null) {
          modes.putIfAbsent(port.port, port.mode);
        }
      }
    }
    return modes;
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
