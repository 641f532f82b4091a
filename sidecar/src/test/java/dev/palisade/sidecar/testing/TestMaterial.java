package dev.palisade.sidecar.testing;

import dev.palisade.sidecar.tls.TlsMaterial;
import dev.palisade.testing.TestCa;

/** What the proxy serves, from a {@link TestCa}: a leaf's chain and key with the CA's bundle. */
public final class TestMaterial {

  private TestMaterial() {}

  public static TlsMaterial of(TestCa ca, TestCa.Leaf leaf) {
    return new TlsMaterial(leaf.chain(), leaf.keys().getPrivate(), ca.bundle());
  }

  /** A fresh 24h leaf of {@code namespace}/{@code serviceAccount}. */
  public static TlsMaterial of(TestCa ca, String namespace, String serviceAccount) {
    return of(ca, ca.leaf(ca.identity(namespace, serviceAccount)));
  }
}
