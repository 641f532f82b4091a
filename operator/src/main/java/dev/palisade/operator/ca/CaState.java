package dev.palisade.operator.ca;

import dev.palisade.common.pki.Issuer;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Everything persisted about one trust domain's CA (in its Secret in the operator's namespace).
 *
 * @param trustDomain the SPIFFE trust domain, e.g. {@code cluster.local}
 * @param roots trusted roots, oldest first; the last is the newest and the one new issuers chain to
 *     once it has propagated. More than one only while a root rotation is in progress.
 * @param newestRootKey the newest root's key; null for an imported root (it stays in the user's
 *     Secret and is read when needed)
 * @param issuer the intermediate that signs leaves now, with its key
 * @param newestRootAddedAt when the newest root entered the bundle
 * @param issuerSwitchedAt when the issuer first chained to the newest root; null until then
 * @param workloadLifetime lifetime of workload leaves, so every replica signs alike
 */
public record CaState(String trustDomain, List<X509Certificate> roots, PrivateKey newestRootKey,
    Issuer issuer, Instant newestRootAddedAt, Instant issuerSwitchedAt,
    Duration workloadLifetime) {

  public CaState {
    roots = List.copyOf(roots);
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("a CA has at least one root");
    }
  }

  public X509Certificate newestRoot() {
    return roots.getLast();
  }

  /** Whether the current issuer chains to the newest root. */
  public boolean issuerUnderNewestRoot() {
    return issuer != null && issuer.root().equals(newestRoot());
  }
}
