package dev.palisade.bench;

import dev.palisade.common.pki.CsrRejectedException;
import dev.palisade.common.pki.CsrVerifier;
import dev.palisade.common.pki.Csrs;
import dev.palisade.common.pki.Issuer;
import dev.palisade.common.pki.KeyType;
import dev.palisade.common.pki.X509Profiles;
import dev.palisade.common.spiffe.WorkloadIdentity;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How many ECDSA P-256 workload certificates one core signs per second, with the JDK's SunEC
 * provider versus BouncyCastle's. One thread, so ops/s is a per-core figure. Results and the
 * provider decision: docs/benchmarks.md.
 *
 * <p>{@code provider}: {@code SunEC} is today's production path. {@code BC} hands BouncyCastle
 * the same JDK-generated issuer key, which is what only switching the signer's provider would
 * do. {@code BC_KEY} first translates the issuer key, once, into BouncyCastle's own key class:
 * BC converts a foreign key on every initSign, and a CA builds a new signer per certificate.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2) // the full path was still speeding up at the 3rd warmup
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class SigningBenchmark {

  private static final WorkloadIdentity CART = new WorkloadIdentity("cluster.local", "shop", "cart");
  private static final Duration LEAF_LIFETIME = Duration.ofHours(24);

  /** Who signs, and with which key class: see the class comment. */
  @Param({"SunEC", "BC", "BC_KEY"})
  public String provider;

  private Provider signingProvider;
  private Instant now;
  private Issuer issuer;
  private String csrPem;
  private PrivateKey issuerKey;
  private Signature signature;
  private byte[] tbsCertificate;

  @Setup
  public void setUp() throws GeneralSecurityException, CsrRejectedException {
    // A fresh instance, not registered: only what is handed this object signs with BC.
    signingProvider = provider.equals("SunEC") ? Security.getProvider("SunEC")
        : new BouncyCastleProvider();
    now = Instant.now();

    // The production shape: root -> intermediate issuer (both P-256, JDK-generated keys).
    KeyPair rootKeys = KeyType.ECDSA_P256.generate();
    X509Certificate root = X509Profiles.root(rootKeys, "cluster.local", now, Duration.ofDays(3650));
    Issuer rootIssuer = new Issuer(root, rootKeys.getPrivate(), List.of());
    KeyPair issuerKeys = KeyType.ECDSA_P256.generate();
    issuerKey = provider.equals("BC_KEY")
        ? (PrivateKey) KeyFactory.getInstance("EC", signingProvider)
            .translateKey(issuerKeys.getPrivate())
        : issuerKeys.getPrivate();
    issuer = new Issuer(X509Profiles.intermediate(issuerKeys.getPublic(), rootIssuer,
        "cluster.local", now, Duration.ofDays(90)), issuerKey, List.of(root));

    csrPem = Csrs.create(KeyType.ECDSA_P256.generate());

    // For the signature alone, sign exactly the bytes the CA signs: a leaf's TBSCertificate.
    tbsCertificate = csrToCertificate().getTBSCertificate();
    signature = Signature.getInstance(KeyType.ECDSA_P256.signatureAlgorithm(), signingProvider);
    signature.initSign(issuerKey);
  }

  /** The CA's work per request: check the CSR, then build and sign a SPIFFE leaf. */
  @Benchmark
  public X509Certificate csrToCertificate() throws CsrRejectedException {
    PublicKey key = CsrVerifier.verify(csrPem);
    return X509Profiles.workload(key, CART, issuer, now, LEAF_LIFETIME, signingProvider);
  }

  /**
   * The CSR check alone. It never uses {@code provider}, so its rows differ only by noise (a
   * control), and it shows how much of {@link #csrToCertificate} is not signing at all.
   */
  @Benchmark
  public PublicKey csrVerifyOnly() throws CsrRejectedException {
    return CsrVerifier.verify(csrPem);
  }

  /** What the content signer does per certificate: a new Signature, initSign, sign. */
  @Benchmark
  public byte[] signatureWithInit() throws GeneralSecurityException {
    Signature perCertificate =
        Signature.getInstance(KeyType.ECDSA_P256.signatureAlgorithm(), signingProvider);
    perCertificate.initSign(issuerKey);
    perCertificate.update(tbsCertificate);
    return perCertificate.sign();
  }

  /** SHA256withECDSA over the TBSCertificate only: separates signing from parsing/encoding. */
  @Benchmark
  public byte[] signatureOnly() throws SignatureException {
    signature.update(tbsCertificate);
    return signature.sign(); // sign() leaves the object ready for the next message
  }
}
