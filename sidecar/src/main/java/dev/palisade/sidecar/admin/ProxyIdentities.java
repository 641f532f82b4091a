package dev.palisade.sidecar.admin;

import dev.palisade.common.pki.Fingerprints;
import dev.palisade.common.pki.Pem;
import dev.palisade.common.pki.SerialNumbers;
import dev.palisade.common.sidecar.ProxyIdentity;
import dev.palisade.sidecar.tls.PeerRejectedException;
import dev.palisade.sidecar.tls.TlsMaterial;
import dev.palisade.sidecar.tls.X509Svid;
import java.security.cert.X509Certificate;

/** The {@code GET /identity} document of the material a proxy serves. */
public final class ProxyIdentities {
  private ProxyIdentities() {}

  public static ProxyIdentity of(TlsMaterial material, String configVersion) {
    X509Certificate leaf = material.leaf();
    return new ProxyIdentity(spiffeId(leaf),
        SerialNumbers.format(leaf.getSerialNumber()), // as revocations name it
        leaf.getNotBefore().toInstant().toString(), leaf.getNotAfter().toInstant().toString(),
        material.chain().stream().map(Pem::certificate).toList(),
        material.trustBundle().stream().map(Fingerprints::sha256).toList(),
        Fingerprints.bundleVersion(material.trustBundle()), configVersion);
  }

  private static String spiffeId(X509Certificate leaf) {
    try {
      return X509Svid.spiffeId(leaf).toString();
    } catch (PeerRejectedException e) {
      // the holder checked it when the material was published
      throw new IllegalStateException("the served certificate has no SPIFFE ID", e);
    }
  }
}
