/**
 * The sidecar config service: {@code GET /v1/config} (a workload's effective configuration,
 * long-polled with its version) and {@code GET /v1/destinations} (whether a destination is in
 * the mesh, looked up on demand), both authenticated by the sidecar's client certificate.
 * Every replica serves them from its own informers; docs/config-service.md is the contract.
 */
package dev.palisade.operator.config;
