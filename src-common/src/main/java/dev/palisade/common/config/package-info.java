/**
 * What the operator's config service sends sidecars, as plain records of strings, numbers, lists
 * and maps that any JSON mapper reads and writes without annotations, and their conversion to
 * and from the policy model ({@link dev.palisade.common.policy}). Operator and sidecar share
 * these records, so the wire format cannot drift between them; docs/config-service.md describes
 * it field by field.
 */
package dev.palisade.common.config;
