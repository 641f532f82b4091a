package dev.palisade.common.pki;

import dev.palisade.common.spiffe.WorkloadIdentity;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * The X.509 profiles Palisade issues: a self-signed root, an intermediate issuer, and SPIFFE
 * leaves. Every certificate gets a random 128-bit serial, subject and authority key
 * identifiers, and a notBefore backdated by {@link #CLOCK_SKEW} so that peers whose clocks run a
 * little behind accept it at once.
 */
public final class X509Profiles {

  /** How far notBefore is set in the past. */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private static final SecureRandom RANDOM = new SecureRandom();

  private X509Profiles() {}

  /** A self-signed root CA: CA:true, pathLen 1 (one intermediate below it), keyCertSign+cRLSign. */
  public static X509Certificate root(java.security.KeyPair keys, String trustDomain, Instant now,
      Duration lifetime) {
    X500Name subject = caName(trustDomain, "Root CA", now);
    return build(new Template(subject, keys.getPublic(), now, now.plus(lifetime)), subject,
        keys.getPrivate(), null, 1, keyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign), List.of(),
        null);
  }

  /** An intermediate CA signed by {@code root}: CA:true, pathLen 0; never outlives its parent. */
  public static X509Certificate intermediate(PublicKey key, Issuer root, String trustDomain,
      Instant now, Duration lifetime) {
    Template template = new Template(caName(trustDomain, "Issuer", now), key, now,
        clamp(now.plus(lifetime), root.certificate()));
    return build(template, issuerName(root), root.key(), root.certificate(), 0,
        keyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign), List.of(), null);
  }

  /**
   * A workload leaf: CA:false, digitalSignature, serverAuth+clientAuth, an empty subject and
   * exactly one URI SAN (critical, as RFC 5280 requires with an empty subject), the SPIFFE ID.
   */
  public static X509Certificate workload(PublicKey key, WorkloadIdentity identity, Issuer issuer,
      Instant now, Duration lifetime) {
    return leaf(key, List.of(new GeneralName(GeneralName.uniformResourceIdentifier,
        identity.toString())), issuer, now, lifetime, null);
  }

  /**
   * As {@link #workload(PublicKey, WorkloadIdentity, Issuer, Instant, Duration)}, but signed
   * through {@code signingProvider} (a JCA provider that implements the issuer key's signature
   * algorithm) instead of the default. bench/ uses it to compare providers on the CA's hot path.
   */
  public static X509Certificate workload(PublicKey key, WorkloadIdentity identity, Issuer issuer,
      Instant now, Duration lifetime, Provider signingProvider) {
    Objects.requireNonNull(signingProvider, "signingProvider");
    return leaf(key, List.of(new GeneralName(GeneralName.uniformResourceIdentifier,
        identity.toString())), issuer, now, lifetime, signingProvider);
  }

  /**
   * A server leaf for Palisade's own HTTPS endpoints: the operator's SPIFFE ID plus the DNS names
   * clients (API server, sidecars) dial.
   */
  public static X509Certificate server(PublicKey key, WorkloadIdentity identity,
      List<String> dnsNames, Issuer issuer, Instant now, Duration lifetime) {
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.uniformResourceIdentifier, identity.toString()));
    dnsNames.forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
    return leaf(key, names, issuer, now, lifetime, null);
  }

  private static X509Certificate leaf(PublicKey key, List<GeneralName> names, Issuer issuer,
      Instant now, Duration lifetime, Provider signingProvider) {
    int usage = KeyUsage.digitalSignature;
    if (key instanceof RSAPublicKey) {
      usage |= KeyUsage.keyEncipherment; // RSA key exchange in TLS 1.2 clients
    }
    List<Extension> extensions = List.of(
        extension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth})),
        extension(Extension.subjectAlternativeName, true,
            new GeneralNames(names.toArray(GeneralName[]::new))));
    Template template = new Template(new X500Name(new org.bouncycastle.asn1.x500.RDN[0]), key, now,
        clamp(now.plus(lifetime), issuer.certificate()));
    return build(template, issuerName(issuer), issuer.key(), issuer.certificate(), -1,
        keyUsage(usage), extensions, signingProvider);
  }

  private record Template(X500Name subject, PublicKey key, Instant now, Instant notAfter) {}

  /** pathLen -1 means "not a CA"; signingProvider null means {@link Signers}' default. */
  private static X509Certificate build(Template t, X500Name issuerName,
      java.security.PrivateKey signingKey, X509Certificate issuerCert, int pathLen,
      Extension keyUsage, List<Extension> extra, Provider signingProvider) {
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
          serial(), Date.from(t.now().minus(CLOCK_SKEW)), Date.from(t.notAfter()), t.subject(),
          t.key());
      builder.addExtension(Extension.basicConstraints, true,
          pathLen < 0 ? new BasicConstraints(false) : new BasicConstraints(pathLen));
      builder.addExtension(keyUsage);
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          utils.createSubjectKeyIdentifier(t.key()));
      builder.addExtension(Extension.authorityKeyIdentifier, false, issuerCert == null
          ? utils.createAuthorityKeyIdentifier(t.key())
          : utils.createAuthorityKeyIdentifier(issuerCert));
      for (Extension extension : extra) {
        builder.addExtension(extension);
      }
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(Signers.contentSigner(signingKey, issuerCert == null
              ? t.key() : issuerCert.getPublicKey(), signingProvider)));
    } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
      throw new IllegalStateException("could not issue certificate: " + e.getMessage(), e);
    }
  }

  private static Instant clamp(Instant notAfter, X509Certificate parent) {
    Instant parentNotAfter = parent.getNotAfter().toInstant();
    return notAfter.isAfter(parentNotAfter) ? parentNotAfter : notAfter;
  }

  private static BigInteger serial() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    bytes[0] &= 0x7f; // positive, and at most 16 octets
    bytes[0] |= 0x40; // and never short, so every serial is 128 bits wide on the wire
    return new BigInteger(bytes);
  }

  private static X500Name caName(String trustDomain, String role, Instant now) {
    // The date keeps names of successive roots/issuers distinct, which keeps chain building
    // unambiguous in verifiers that match by name before key identifier.
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, trustDomain)
        .addRDN(BCStyle.CN, "Palisade " + role + " " + now.getEpochSecond())
        .build();
  }

  private static X500Name issuerName(Issuer issuer) {
    return X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
  }

  private static Extension keyUsage(int bits) {
    return extension(Extension.keyUsage, true, new KeyUsage(bits));
  }

  private static Extension extension(org.bouncycastle.asn1.ASN1ObjectIdentifier oid,
      boolean critical, org.bouncycastle.asn1.ASN1Encodable value) {
    try {
      return new Extension(oid, critical, value.toASN1Primitive().getEncoded());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
