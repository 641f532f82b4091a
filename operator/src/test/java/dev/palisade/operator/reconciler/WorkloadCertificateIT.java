package dev.palisade.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.api.v1alpha1.CertificateRevocation;
import dev.palisade.api.v1alpha1.CertificateRevocationSpec;
import dev.palisade.api.v1alpha1.IdentitySuspension;
import dev.palisade.api.v1alpha1.IdentitySuspensionSpec;
import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.api.v1alpha1.TrustDomainSpec;
import dev.palisade.api.v1alpha1.WorkloadCertificate;
import dev.palisade.api.v1alpha1.WorkloadCertificateSpec;
import dev.palisade.common.pki.KeyPairs;
import dev.palisade.common.pki.Pem;
import dev.palisade.common.pki.X509Profiles;
import dev.palisade.testing.CommandLine;
import dev.palisade.testing.ControlPlane;
import dev.palisade.testing.Openssl;
import dev.palisade.testing.PalisadeApi;
import dev.palisade.testing.RunningOperator;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** WorkloadCertificates on a real API server, checked with the real openssl. */
class WorkloadCertificateIT {

  private static final String NS = "wcert-it";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static KubernetesClient admin;
  private static RunningOperator operator;

  @BeforeAll
  static void start() {
    ControlPlane controlPlane = ControlPlane.get();
    admin = controlPlane.adminClient();
    PalisadeApi.install(admin);
    controlPlane.startGarbageCollector(); // owner references do their work
    operator = new RunningOperator(controlPlane, Duration.ofSeconds(2));
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata()
        .build()).createOr(existing -> existing.update());
    TrustDomain td = new TrustDomain();
    td.getMetadata().setName("wcert-it");
    td.setSpec(new TrustDomainSpec());
    td.getSpec().trustDomain = "wcert.it";
    td.getSpec().root = new TrustDomainSpec.RootSource();
    td.getSpec().root.generate = new TrustDomainSpec.GeneratedRoot();
    td.getSpec().workloadCertificates = new TrustDomainSpec.WorkloadCertificates();
    td.getSpec().workloadCertificates.maxLifetime = "8760h";
    admin.resource(td).forceConflicts().serverSideApply();
  }

  @AfterAll
  static void stop() {
    operator.close();
    admin.close();
  }

  @Test
  void writesASecretWhoseChainOpensslVerifiesAgainstTheBundle() {
    apply("billing", "spiffe://wcert.it/ns/wcert-it/sa/billing", "billing-tls", null, null);
    WorkloadCertificate ready = awaitReady("billing");
    Map<String, String> data = TrustDomainIT.decoded(secret("billing-tls").getData());

    List<X509Certificate> chain = Pem.parseCertificates(data.get("tls.crt"));
    assertThat(chain).hasSize(2); // leaf, issuer; the root travels in ca.crt
    assertThat(data.get("tls.key")).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(KeyPairs.matches(chain.getFirst().getPublicKey(), Pem.parsePrivateKey(data.get("tls.key"))))
        .isTrue();
    assertThat(secret("billing-tls").getType()).isEqualTo("kubernetes.io/tls");

    Openssl openssl = new Openssl();
    openssl.file("leaf.pem", Pem.certificate(chain.getFirst()));
    openssl.file("intermediates.pem", Pem.certificates(chain.subList(1, chain.size())));
    openssl.file("ca.crt", data.get("ca.crt"));
    CommandLine.Result verify = openssl.run("verify", "-CAfile", openssl.path("ca.crt").toString(),
        "-untrusted", openssl.path("intermediates.pem").toString(), openssl.path("leaf.pem").toString());
    assertThat(verify.stdout()).as(verify.stderr()).contains("leaf.pem: OK");
    assertThat(openssl.run("x509", "-in", openssl.path("leaf.pem").toString(), "-noout", "-ext",
        "subjectAltName").orThrow()).contains("URI:spiffe://wcert.it/ns/wcert-it/sa/billing");

    var status = ready.getStatus();
    assertThat(Instant.parse(status.notAfter)).isEqualTo(chain.getFirst().getNotAfter().toInstant());
    assertThat(Instant.parse(status.renewalTime)).isBetween(Instant.parse(status.notBefore),
        Instant.parse(status.notAfter));
    assertThat(status.serial).isEqualTo(chain.getFirst().getSerialNumber().toString(16));
  }

  @Test
  void renewsAtRenewBeforeAndRecreatesADeletedSecret() {
    apply("short-lived", "spiffe://wcert.it/ns/wcert-it/sa/batch", "batch-tls", "40s", "30s");
    String firstSerial = awaitReady("short-lived").getStatus().serial;

    await("renewed 30s before expiry").atMost(WAIT).untilAsserted(() ->
        assertThat(get("short-lived").getStatus().serial).isNotEqualTo(firstSerial));
    String renewedSerial = get("short-lived").getStatus().serial;
    assertThat(leafSerial("batch-tls")).isEqualTo(renewedSerial);

    admin.secrets().inNamespace(NS).withName("batch-tls").delete();
    await("Secret re-created").atMost(WAIT).untilAsserted(() ->
        assertThat(Optional.ofNullable(admin.secrets().inNamespace(NS).withName("batch-tls").get()))
            .isPresent());
  }

  /**
   * The Secret is owned by its WorkloadCertificate, so it goes with it (unlike cert-manager's
   * default, see docs/api.md): its key was made for that object only, and a Secret left behind
   * would expire unrenewed and block a new WorkloadCertificate from using its name.
   */
  @Test
  void deletingAWorkloadCertificateDeletesItsSecret() {
    apply("short-term", "spiffe://wcert.it/ns/wcert-it/sa/temp", "temp-tls", null, null);
    WorkloadCertificate ready = awaitReady("short-term");
    assertThat(secret("temp-tls").getMetadata().getOwnerReferences()).singleElement()
        .satisfies(owner -> {
          assertThat(owner.getKind()).isEqualTo("WorkloadCertificate");
          assertThat(owner.getUid()).isEqualTo(ready.getMetadata().getUid());
          assertThat(owner.getBlockOwnerDeletion()).as("needs no finalizers RBAC").isNotEqualTo(true);
        });

    admin.resource(ready).delete();

    await("Secret garbage-collected").atMost(WAIT).untilAsserted(() ->
        assertThat(admin.secrets().inNamespace(NS).withName("temp-tls").get()).isNull());
  }

  @Test
  void refusesToOverwriteASecretItDoesNotManage() {
    admin.resource(new SecretBuilder().withNewMetadata().withName("someone-elses").withNamespace(NS)
        .endMetadata().addToStringData("password", "hunter2").build()).create();
    apply("squatter", "spiffe://wcert.it/ns/wcert-it/sa/squatter", "someone-elses", null, null);

    await().atMost(WAIT).untilAsserted(() -> assertThat(ready(get("squatter"))).hasValueSatisfying(c -> {
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("SecretNotOwned");
    }));
    assertThat(secret("someone-elses").getData()).containsOnlyKeys("password");
  }

  @Test
  void reportsAMissingTrustDomain() {
    apply("orphan", "spiffe://nowhere.it/ns/wcert-it/sa/orphan", "orphan-tls", null, null);
    await().atMost(WAIT).untilAsserted(() -> assertThat(ready(get("orphan"))).hasValueSatisfying(c -> {
      assertThat(c.getReason()).isEqualTo("TrustDomainNotReady");
      assertThat(c.getMessage()).contains("nowhere.it");
    }));
  }

  /**
   * The CA's floor is an operator setting (1h and 5m by default, as cert-manager's; 10s and 5s in
   * the ITs, {@link RunningOperator#TEST_LIMITS}); below it nothing is signed.
   */
  @Test
  void lifetimesBelowTheCasMinimumOrAboveTheTrustDomainsMaximumAreRefused() {
    apply("too-short", "spiffe://wcert.it/ns/wcert-it/sa/short", "too-short-tls", "5s", null);
    apply("renews-too-late", "spiffe://wcert.it/ns/wcert-it/sa/late", "late-tls", "1h", "1s");
    apply("too-long", "spiffe://wcert.it/ns/wcert-it/sa/long", "too-long-tls", "87600h", null);

    awaitNotReady("too-short", "LifetimeTooShort", "minimum of 10s");
    awaitNotReady("renews-too-late", "RenewBeforeTooShort", "minimum of 5s");
    awaitNotReady("too-long", "LifetimeTooLong", "maxLifetime of 8760h");
    assertThat(secret("too-short-tls")).as("nothing signed").isNull();
    assertThat(secret("too-long-tls")).isNull();
  }

  /**
   * Before, renewal was counted from the backdated notBefore and not limited: lifetime 1m with
   * renewBefore 59s re-issued 54 times in 30 s. Now it is at least the minimum interval after issue.
   */
  @Test
  void renewalIsNoSoonerThanTheMinimumIntervalAfterIssue() {
    apply("eager", "spiffe://wcert.it/ns/wcert-it/sa/eager", "eager-tls", "20s", "19s");
    var status = awaitReady("eager").getStatus();

    Instant issued = Instant.parse(status.notBefore).plus(X509Profiles.CLOCK_SKEW);
    assertThat(Duration.between(issued, Instant.parse(status.renewalTime)))
        .isGreaterThanOrEqualTo(RunningOperator.TEST_LIMITS.minimumRenewalInterval());
  }

  /** Before, a lifetime past the issuer's expiry was cut to it while Ready said nothing. */
  @Test
  void aLifetimeCutAtTheIssuersExpiryIsReportedInStatusAndAnEvent() {
    apply("cut", "spiffe://wcert.it/ns/wcert-it/sa/cut", "cut-tls", "4000h", null);
    apply("billing-default", "spiffe://wcert.it/ns/wcert-it/sa/default", "default-tls", null, null);
    WorkloadCertificate ready = awaitReady("cut");

    assertThat(ready.getStatus().conditions).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("LifetimeShortened");
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getMessage()).contains("4000h");
    });
    await("Warning event").atMost(WAIT).untilAsserted(() -> assertThat(
        admin.v1().events().inNamespace(NS).list().getItems()).anySatisfy(e -> {
          assertThat(e.getInvolvedObject().getName()).isEqualTo("cut");
          assertThat(e.getReason()).isEqualTo("LifetimeShortened");
          assertThat(e.getType()).isEqualTo("Warning");
        }));
    assertThat(awaitReady("billing-default").getStatus().conditions).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("LifetimeShortened");
      assertThat(c.getStatus()).isEqualTo("False");
    });
  }

  @Test
  void aRevokedCertificateIsReplacedAtOnceAndASuspendedIdentityGetsNothing() {
    apply("revoked", "spiffe://wcert.it/ns/wcert-it/sa/leaky", "leaky-tls", null, null);
    String leaked = awaitReady("revoked").getStatus().serial;
    CertificateRevocation revocation = new CertificateRevocation();
    revocation.getMetadata().setName("wcert-it-leaked");
    revocation.setSpec(new CertificateRevocationSpec());
    revocation.getSpec().trustDomain = "wcert.it";
    revocation.getSpec().serialNumber = leaked;
    admin.resource(revocation).create();
    try {
      await("replaced, long before its renewal time").atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(leafSerial("leaky-tls")).isNotEqualTo(leaked));
      assertThat(get("revoked").getStatus().serial).isEqualTo(leafSerial("leaky-tls"));
    } finally {
      admin.resource(revocation).delete();
    }

    IdentitySuspension suspension = new IdentitySuspension();
    suspension.getMetadata().setName("wcert-it-suspended");
    suspension.setSpec(new IdentitySuspensionSpec());
    suspension.getSpec().spiffeId = "spiffe://wcert.it/ns/wcert-it/sa/suspect";
    admin.resource(suspension).create();
    try {
      apply("suspended", suspension.getSpec().spiffeId, "suspect-tls", null, null);
      awaitNotReady("suspended", "IdentitySuspended", "suspended by IdentitySuspension"
          + " wcert-it-suspended");
      assertThat(secret("suspect-tls")).as("nothing signed").isNull();
    } finally {
      admin.resource(suspension).delete();
    }
    awaitReady("suspended");
  }

  private static void awaitNotReady(String name, String reason, String message) {
    await(name + " " + reason).atMost(WAIT).untilAsserted(() ->
        assertThat(ready(get(name))).hasValueSatisfying(c -> {
          assertThat(c.getStatus()).isEqualTo("False");
          assertThat(c.getReason()).isEqualTo(reason);
          assertThat(c.getMessage()).contains(message);
        }));
  }

  private static void apply(String name, String spiffeId, String secretName, String lifetime,
      String renewBefore) {
    WorkloadCertificate wc = new WorkloadCertificate();
    wc.getMetadata().setName(name);
    wc.getMetadata().setNamespace(NS);
    wc.setSpec(new WorkloadCertificateSpec());
    wc.getSpec().spiffeId = spiffeId;
    wc.getSpec().secretName = secretName;
    wc.getSpec().lifetime = lifetime;
    wc.getSpec().renewBefore = renewBefore;
    admin.resource(wc).forceConflicts().serverSideApply();
  }

  private static WorkloadCertificate get(String name) {
    return admin.resources(WorkloadCertificate.class).inNamespace(NS).withName(name).get();
  }

  private static Secret secret(String name) {
    return admin.secrets().inNamespace(NS).withName(name).get();
  }

  private static String leafSerial(String secretName) {
    return Pem.parseCertificates(TrustDomainIT.decoded(secret(secretName).getData()).get("tls.crt"))
        .getFirst().getSerialNumber().toString(16);
  }

  private static WorkloadCertificate awaitReady(String name) {
    await(name + " ready").atMost(WAIT).until(() -> ready(get(name))
        .filter(c -> c.getStatus().equals("True")).isPresent());
    return get(name);
  }

  private static Optional<Condition> ready(WorkloadCertificate wc) {
    return wc == null || wc.getStatus() == null ? Optional.empty()
        : wc.getStatus().conditions.stream().filter(c -> c.getType().equals("Ready")).findFirst();
  }
}
