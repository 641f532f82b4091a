/**
 * Status reconcilers for MeshPolicy and AccessPolicy: which workloads each selects and whether it
 * is in effect. They share the injected-pod view of the operator's pod index, the rule for which
 * policies a pod wakes, and the status shape, so they live together; the verdicts themselves are
 * computed by {@link dev.palisade.operator.policy}. Enforcement data goes to sidecars through the
 * config service, not through these statuses.
 */
package dev.palisade.operator.reconciler.policy;
