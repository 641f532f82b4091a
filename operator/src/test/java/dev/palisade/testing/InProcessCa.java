package dev.palisade.testing;

import dev.palisade.common.pki.Issuer;
import dev.palisade.common.pki.X509Profiles;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.operator.ca.CaUnavailableException;
import dev.palisade.operator.ca.CertificateAuthority;
import dev.palisade.operator.ca.SignedCertificate;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real CA for tests: a root and an issuer generated in memory with the production X.509
 * profiles, signing through the operator's {@link CertificateAuthority} interface. It can be made
 * unavailable (as without a TrustDomain) and its signing can be held, to fill a server's queue.
 */
public final class InProcessCa implements CertificateAuthority {

  private final String trustDomain;
  private final X509Certificate root;
  private final Issuer issuer;
  private final Duration leafLifetime;
  private volatile boolean available = true;
  private volatile CountDownLatch held = new CountDownLatch(0);

  private InProcessCa(String trustDomain, X509Certificate root, Issuer issuer,
      Duration leafLifetime) {
    this.trustDomain = trustDomain;
    this.root = root;
    this.issuer = issuer;
    this.leafLifetime = leafLifetime;
  }

  /** A {@link TestCa}'s root and issuer, signing leaves of {@code leafLifetime}. */
  public static InProcessCa create(String trustDomain, Duration leafLifetime) {
    TestCa pki = TestCa.create(trustDomain);
    return new InProcessCa(trustDomain, pki.issuer().root(), pki.issuer(), leafLifetime);
  }

  public X509Certificate rootCertificate() {
    return root;
  }

  public X509Certificate issuerCertificate() {
    return issuer.certificate();
  }

  /** While false, every call throws {@link CaUnavailableException}, as with no issuer yet. */
  public void setAvailable(boolean available) {
    this.available = available;
  }

  /** Makes signing wait until {@link #release()} (at most a minute). */
  public void hold() {
    held = new CountDownLatch(1);
  }

  public void release() {
    held.countDown();
  }

  @Override
  public String trustDomain() {
    return trustDomain;
  }

  @Override
  public SignedCertificate signWorkload(PublicKey key, WorkloadIdentity identity)
      throws CaUnavailableException {
    awaitTurn();
    return signed(X509Profiles.workload(key, identity, issuer, Instant.now(), leafLifetime));
  }

  @Override
  public SignedCertificate signServer(PublicKey key, WorkloadIdentity identity,
      List<String> dnsNames) throws CaUnavailableException {
    awaitTurn();
    return signed(X509Profiles.server(key, identity, dnsNames, issuer, Instant.now(),
        leafLifetime));
  }

  @Override
  public Instant issuerNotAfter() throws CaUnavailableException {
    requireAvailable();
    return issuer.certificate().getNotAfter().toInstant();
  }

  @Override
  public List<X509Certificate> trustBundle() throws CaUnavailableException {
    requireAvailable();
    return List.of(root);
  }

  private SignedCertificate signed(X509Certificate leaf) {
    return new SignedCertificate(leaf, issuer.intermediates(), List.of(root));
  }

  private void awaitTurn() throws CaUnavailableException {
    requireAvailable();
    try {
      if (!held.await(1, TimeUnit.MINUTES)) {
        throw new IllegalStateException("signing held for over a minute: a test forgot release()");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void requireAvailable() throws CaUnavailableException {
    if (!available) {
      throw new CaUnavailableException("no issuer for trust domain " + trustDomain + " yet");
    }
  }
}
