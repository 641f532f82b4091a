package dev.palisade.sidecar.identity;

/** Obtains a new workload certificate; one attempt per call. */
@FunctionalInterface
public interface CertificateFetcher {
  IssuedIdentity fetch() throws IdentityException;
}
