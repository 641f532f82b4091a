/**
 * Policy compilation, without I/O: MeshPolicies and AccessPolicies resolved for one workload into
 * the {@link dev.palisade.common.policy.InboundPolicy} its sidecar enforces, and the verdicts
 * policy statuses report (what a policy selects, whether it is in effect). docs/policy.md states
 * the precedence rules; {@code PolicyCompilerTest} holds them as a table.
 */
package dev.palisade.operator.policy;
