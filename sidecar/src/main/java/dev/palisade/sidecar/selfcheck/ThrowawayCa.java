package dev.palisade.sidecar.selfcheck;

import dev.palisade.common.pki.Der;
import dev.palisade.common.pki.KeyType;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.sidecar.tls.TlsMaterial;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A root and an issuer that live as long as the self-check, signing each proxy's certificate in
 * Palisade's profiles (CA: basicConstraints with a path length, keyCertSign and cRLSign; leaf: one
 * URI SAN, digitalSignature, serverAuth and clientAuth). Written with the JDK alone: the proxy's
 * classpath has no BouncyCastle, whose signed jars the AOT cache cannot hold.
 */
final class ThrowawayCa {
  private static final Duration LIFETIME = Duration.ofHours(1);
  private static final byte[] ECDSA_WITH_SHA256 = Der.sequence(Der.oid("1.2.840.10045.4.3.2"));
  private static final byte[] CRITICAL = Der.element(Der.BOOLEAN, new byte[] {(byte) 0xff});
  private static final DateTimeFormatter UTC_TIME =
      DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String trustDomain;
  private final PrivateKey issuerKey;
  private final byte[] issuerName;
  private final X509Certificate root;
  private final X509Certificate issuer;

  ThrowawayCa(String trustDomain) {
    this.trustDomain = trustDomain;
    KeyPair rootKeys = KeyType.ECDSA_P256.generate();
    KeyPair issuerKeys = KeyType.ECDSA_P256.generate();
    byte[] rootName = name(trustDomain, "Palisade self-check root");
    issuerName = name(trustDomain, "Palisade self-check issuer");
    root = sign(rootName, rootKeys.getPrivate(), rootName, rootKeys.getPublic(), ca(1));
    issuer = sign(rootName, rootKeys.getPrivate(), issuerName, issuerKeys.getPublic(), ca(0));
    issuerKey = issuerKeys.getPrivate();
  }

  TlsMaterial issue(WorkloadIdentity identity) {
    KeyPair keys = KeyType.ECDSA_P256.generate();
    byte[] uri = identity.toSpiffeId().toString().getBytes(StandardCharsets.US_ASCII);
    X509Certificate leaf = sign(issuerName, issuerKey, name(trustDomain, null), keys.getPublic(),
        List.of(
            extension("2.5.29.19", true, Der.sequence()), // basicConstraints: not a CA
            extension("2.5.29.15", true, // keyUsage: digitalSignature
                Der.element(Der.BIT_STRING, new byte[] {7, (byte) 0x80})),
            extension("2.5.29.37", false, Der.sequence( // serverAuth, clientAuth
                Der.oid("1.3.6.1.5.5.7.3.1"), Der.oid("1.3.6.1.5.5.7.3.2"))),
            extension("2.5.29.17", true, Der.sequence(Der.element(0x86, uri))))); // URI SAN
    return new TlsMaterial(List.of(leaf, issuer), keys.getPrivate(), List.of(root));
  }

  private static List<byte[]> ca(int pathLength) {
    return List.of(
        extension("2.5.29.19", true, Der.sequence(CRITICAL, Der.smallInteger(pathLength))),
        extension("2.5.29.15", true, // keyCertSign, cRLSign
            Der.element(Der.BIT_STRING, new byte[] {1, 0x06})));
  }

  private static byte[] name(String organization, String commonName) {
    byte[] o = Der.element(Der.SET, Der.sequence(Der.oid("2.5.4.10"), Der.utf8(organization)));
    return commonName == null ? Der.sequence(o) : Der.sequence(o,
        Der.element(Der.SET, Der.sequence(Der.oid("2.5.4.3"), Der.utf8(commonName))));
  }

  private static byte[] extension(String oid, boolean critical, byte[] value) {
    byte[] octets = Der.element(Der.OCTET_STRING, value);
    return critical ? Der.sequence(Der.oid(oid), CRITICAL, octets)
        : Der.sequence(Der.oid(oid), octets);
  }

  private static X509Certificate sign(byte[] issuerName, PrivateKey signer, byte[] subject,
      PublicKey key, List<byte[]> extensions) {
    byte[] serial = new byte[16];
    RANDOM.nextBytes(serial);
    serial[0] = (byte) ((serial[0] & 0x3f) | 0x40); // positive, and 16 bytes long
    Instant now = Instant.now();
    byte[] tbs = Der.sequence(
        Der.element(0xa0, Der.smallInteger(2)), // v3
        Der.element(Der.INTEGER, serial),
        ECDSA_WITH_SHA256,
        issuerName,
        Der.sequence(time(now.minus(Duration.ofMinutes(5))), time(now.plus(LIFETIME))),
        subject,
        key.getEncoded(),
        Der.element(0xa3, Der.sequence(extensions.toArray(byte[][]::new))));
    try {
      Signature signature = Signature.getInstance("SHA256withECDSA");
      signature.initSign(signer);
      signature.update(tbs);
      byte[] certificate = Der.sequence(tbs, ECDSA_WITH_SHA256, Der.bitString(signature.sign()));
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(certificate));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign the self-check's certificate: " + e, e);
    }
  }

  private static byte[] time(Instant instant) {
    return Der.element(Der.UTC_TIME, UTC_TIME.format(instant).getBytes(StandardCharsets.US_ASCII));
  }
}
