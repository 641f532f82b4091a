package dev.palisade.operator.ca;

import dev.palisade.common.spiffe.WorkloadIdentity;
import java.security.PublicKey;
import java.util.List;

/**
 * Signs certificates with a trust domain's current issuer. Every operator replica has one (it
 * reads the CA Secrets the leader maintains), so signing scales with replicas.
 */
public interface CertificateAuthority {

  /** The SPIFFE trust domain this authority signs for, e.g. {@code cluster.local}. */
  String trustDomain();

  /**
   * A workload leaf for {@code identity} with the trust domain's workload lifetime.
   *
   * @throws CaUnavailableException when the trust domain has no usable issuer (yet)
   */
  SignedCertificate signWorkload(PublicKey key, WorkloadIdentity identity)
      throws CaUnavailableException;

  /** A serving certificate for Palisade's own HTTPS endpoints: its identity plus DNS names. */
  SignedCertificate signServer(PublicKey key, WorkloadIdentity identity, List<String> dnsNames)
      throws CaUnavailableException;

  /**
   * When the current issuer expires: no certificate it signs outlives it, so nothing signed
   * before now can be valid after it.
   */
  java.time.Instant issuerNotAfter() throws CaUnavailableException;

  /** The roots peers must trust now (more than one while a root rotation is in progress). */
  List<java.security.cert.X509Certificate> trustBundle() throws CaUnavailableException;
}
