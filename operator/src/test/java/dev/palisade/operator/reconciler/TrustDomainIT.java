package dev.palisade.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.api.v1alpha1.TrustDomainSpec;
import dev.palisade.common.pki.Pem;
import io.fabric8.kubernetes.api.model.Secret;
import dev.palisade.common.pki.KeyType;
import dev.palisade.operator.ca.RotationPlanner;
import dev.palisade.operator.ca.CaState;
import dev.palisade.operator.ca.CaSettings;
import dev.palisade.operator.ca.CaSecrets;
import dev.palisade.testing.ControlPlane;
import dev.palisade.testing.Openssl;
import dev.palisade.testing.OperatorServiceAccount;
import dev.palisade.testing.PalisadeApi;
import dev.palisade.testing.RunningOperator;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TrustDomain reconciler and trust bundle publisher on a real API server, running as the
 * chart's ServiceAccount: generated and imported roots, bad root Secrets, bundle ConfigMaps kept
 * in place, and a root rotation observed in the ConfigMap.
 */
class TrustDomainIT {

  private static final String OPERATOR_NS = OperatorServiceAccount.NAMESPACE;
  private static final String MESHED_NS = "trustdomain-it";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static KubernetesClient admin;
  private static RunningOperator operator;

  @BeforeAll
  static void start() {
    ControlPlane controlPlane = ControlPlane.get();
    admin = controlPlane.adminClient();
    PalisadeApi.install(admin);
    // A short propagation period keeps the rotation test quick.
    operator = new RunningOperator(controlPlane, Duration.ofSeconds(2));
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(MESHED_NS)
        .addToLabels("palisade.dev/inject", "enabled").endMetadata().build())
        .createOr(existing -> existing.update());
  }

  @AfterAll
  static void stop() {
    operator.close();
    admin.close();
  }

  @Test
  void generatedRootBecomesReadyWithStatusSecretEventsAndBundles() {
    TrustDomain td = apply(generated("generated-it", "generated.it"));

    TrustDomain ready = awaitReady(td.getMetadata().getName());
    assertThat(ready.getStatus().observedGeneration).isEqualTo(ready.getMetadata().getGeneration());
    assertThat(ready.getStatus().root.fingerprint).hasSize(64);
    assertThat(ready.getStatus().issuer.notAfter).isNotBlank();
    assertThat(ready.getStatus().bundleRoots).isEqualTo(1);

    var caSecret = admin.secrets().inNamespace(OPERATOR_NS).withName("palisade-ca-generated-it").get();
    assertThat(caSecret.getType()).isEqualTo("palisade.dev/ca");
    assertThat(caSecret.getData()).containsOnlyKeys("ca.crt", "issuer.crt", "issuer.key");
    var rootSecret = admin.secrets().inNamespace(OPERATOR_NS)
        .withName("palisade-ca-root-generated-it").get();
    assertThat(rootSecret.getData()).as("the root key in a Secret of its own")
        .containsOnlyKeys("root.key");
    assertThat(rootSecret.getMetadata().getLabels()).doesNotContainKey("palisade.dev/ca");

    for (String ns : List.of(OPERATOR_NS, MESHED_NS)) {
      await("bundle in " + ns).atMost(WAIT).untilAsserted(() ->
          assertThat(bundleRoots(ns)).extracting(c -> c.getSubjectX500Principal().getName())
              .anySatisfy(name -> assertThat(name).contains("O=generated.it")));
    }
    await("events").atMost(WAIT).untilAsserted(() -> assertThat(
        admin.v1().events().inNamespace("default").list().getItems())
        .anySatisfy(e -> {
          assertThat(e.getInvolvedObject().getName()).isEqualTo("generated-it");
          assertThat(e.getReason()).isEqualTo("RootCreated");
        }));
  }

  @Test
  void deletedOrEditedBundleConfigMapsAreRestored() {
    apply(generated("restore-it", "restore.it"));
    awaitReady("restore-it");
    await().atMost(WAIT).until(() -> bundle(MESHED_NS).isPresent());
    assertThat(bundle(MESHED_NS).orElseThrow().getMetadata().getOwnerReferences())
        .as("owned by its namespace").singleElement().satisfies(owner -> {
          assertThat(owner.getKind()).isEqualTo("Namespace");
          assertThat(owner.getName()).isEqualTo(MESHED_NS);
          assertThat(owner.getBlockOwnerDeletion()).isNotEqualTo(true);
        });

    admin.configMaps().inNamespace(MESHED_NS).withName("palisade-trust-bundle").delete();
    await("re-created").atMost(WAIT).untilAsserted(() ->
        assertThat(bundleRoots(MESHED_NS)).isNotEmpty());

    admin.configMaps().inNamespace(MESHED_NS).withName("palisade-trust-bundle")
        .edit(cm -> {
          cm.getData().put("ca.crt", "tampered");
          return cm;
        });
    await("restored").atMost(WAIT).untilAsserted(() ->
        assertThat(bundleRoots(MESHED_NS)).isNotEmpty());
  }

  @Test
  void importedRootIsUsedAndBadRootSecretsAreReportedWithoutHarm() {
    Openssl openssl = new Openssl();
    openssl.rootCa("good", "/O=imported.it/CN=Imported Root");
    openssl.leafOnly("leaf");
    openssl.rootCa("other", "/CN=Other Root");
    rootSecret("imported-root", openssl.read("good.crt"), openssl.read("good.key"));
    rootSecret("not-a-ca", openssl.read("leaf.crt"), openssl.read("leaf.key"));
    rootSecret("mismatched", openssl.read("good.crt"), openssl.read("other.key"));

    apply(imported("imported-it", "imported.it", "imported-root"));
    apply(imported("missing-it", "missing.it", "no-such-secret"));
    apply(imported("not-a-ca-it", "not-a-ca.it", "not-a-ca"));
    apply(imported("mismatched-it", "mismatched.it", "mismatched"));

    TrustDomain ready = awaitReady("imported-it");
    X509Certificate imported = Pem.parseCertificates(openssl.read("good.crt")).getFirst();
    assertThat(ready.getStatus().root.fingerprint)
        .isEqualTo(dev.palisade.common.pki.Fingerprints.sha256(imported));
    assertThat(admin.secrets().inNamespace(OPERATOR_NS).withName("palisade-ca-imported-it").get()
        .getData()).as("an imported root's key is not copied").doesNotContainKey("root.key");

    assertNotReady("missing-it", "RootSecretNotFound", "does not exist");
    assertNotReady("not-a-ca-it", "RootNotACa", "not a CA certificate");
    assertNotReady("mismatched-it", "RootKeyMismatch", "not the private key of tls.crt");
    assertThat(awaitReady("imported-it").getStatus().root.fingerprint)
        .as("the good trust domain is unaffected").isEqualTo(ready.getStatus().root.fingerprint);
  }

  /**
   * An install from before the split has root.key in the CA Secret, which every replica's
   * informer holds; the leader moves it to a Secret of its own, same root, same key.
   */
  @Test
  void aSingleSecretFromBeforeTheSplitIsSplitByTheLeader() {
    CaSettings settings = new CaSettings("legacy.it", new CaSettings.GeneratedRoot(
        KeyType.ECDSA_P256, Duration.ofDays(3650), Duration.ofDays(365)), KeyType.ECDSA_P256,
        Duration.ofDays(90), Duration.ofDays(30), Duration.ofHours(24), Duration.ofMinutes(10));
    CaState state = RotationPlanner.plan(Optional.empty(), settings, java.time.Instant.now())
        .state();
    Secret legacy = CaSecrets.toSecret(OPERATOR_NS, "legacy-it", state);
    legacy.getData().put("root.key", base64(Pem.privateKey(state.newestRootKey())));
    admin.resource(legacy).create();

    apply(generated("legacy-it", "legacy.it"));

    await("root key moved").atMost(WAIT).untilAsserted(() -> {
      Secret ca = admin.secrets().inNamespace(OPERATOR_NS).withName("palisade-ca-legacy-it").get();
      assertThat(ca.getData()).doesNotContainKey("root.key");
      Secret root = admin.secrets().inNamespace(OPERATOR_NS).withName("palisade-ca-root-legacy-it")
          .get();
      assertThat(root).isNotNull();
      assertThat(Pem.parsePrivateKey(decoded(root.getData()).get("root.key")))
          .isEqualTo(state.newestRootKey());
    });
    assertThat(awaitReady("legacy-it").getStatus().root.fingerprint)
        .isEqualTo(dev.palisade.common.pki.Fingerprints.sha256(state.newestRoot()));
  }

  /** Before, the registry signed with whichever of the two CAs it listed first. */
  @Test
  void aSecondTrustDomainClaimingTheSameTrustDomainIsRefused() {
    apply(generated("first-claim-it", "claimed.it"));
    String firstRoot = awaitReady("first-claim-it").getStatus().root.fingerprint;
    apply(generated("second-claim-it", "claimed.it"));

    assertNotReady("second-claim-it", "DuplicateTrustDomain", "first-claim-it");
    assertThat(admin.secrets().inNamespace(OPERATOR_NS).withName("palisade-ca-second-claim-it")
        .get()).as("no second CA").isNull();
    assertThat(awaitReady("first-claim-it").getStatus().root.fingerprint).isEqualTo(firstRoot);
  }

  /** The CA's floor (an operator setting; 10s in the ITs, 1h by default) holds for TrustDomains. */
  @Test
  void aWorkloadLifetimeBelowTheCasMinimumIsRefused() {
    TrustDomain td = generated("too-short-it", "too-short.it");
    td.getSpec().workloadCertificates = new TrustDomainSpec.WorkloadCertificates();
    td.getSpec().workloadCertificates.lifetime = "5s";
    apply(td);

    assertNotReady("too-short-it", "LifetimeTooShort", "minimum of 10s");
  }

  /** Before, a lifetime past the issuer's expiry was cut to it while the status said nothing. */
  @Test
  void aWorkloadLifetimeCutAtTheIssuersExpiryIsReported() {
    TrustDomain td = generated("cut-it", "cut.it");
    td.getSpec().workloadCertificates = new TrustDomainSpec.WorkloadCertificates();
    td.getSpec().workloadCertificates.lifetime = "87600h";
    apply(td);

    await("LifetimeShortened").atMost(WAIT).untilAsserted(() -> assertThat(
        conditions(get("cut-it"))).anySatisfy(c -> {
          assertThat(c.getType()).isEqualTo("LifetimeShortened");
          assertThat(c.getStatus()).isEqualTo("True");
          assertThat(c.getMessage()).contains("87600h").contains("issuer's expiry");
        }));
    await("event").atMost(WAIT).untilAsserted(() -> assertThat(
        admin.v1().events().inNamespace("default").list().getItems()).anySatisfy(e -> {
          assertThat(e.getInvolvedObject().getName()).isEqualTo("cut-it");
          assertThat(e.getReason()).isEqualTo("LifetimeShortened");
          assertThat(e.getType()).isEqualTo("Warning");
        }));
  }

  @Test
  void rootRotationKeepsBothRootsInTheBundleUntilLeavesHaveMoved() {
    Openssl openssl = new Openssl();
    openssl.rootCa("first", "/O=rotate.it/CN=First Root");
    openssl.rootCa("second", "/O=rotate.it/CN=Second Root");
    rootSecret("rotating-root", openssl.read("first.crt"), openssl.read("first.key"));
    TrustDomain td = imported("rotate-it", "rotate.it", "rotating-root");
    td.getSpec().workloadCertificates = new TrustDomainSpec.WorkloadCertificates();
    td.getSpec().workloadCertificates.lifetime = "15s";
    apply(td);
    awaitReady("rotate-it");
    X509Certificate first = Pem.parseCertificates(openssl.read("first.crt")).getFirst();
    X509Certificate second = Pem.parseCertificates(openssl.read("second.crt")).getFirst();

    rootSecret("rotating-root", openssl.read("second.crt"), openssl.read("second.key"));

    await("both roots published").atMost(WAIT).untilAsserted(() ->
        assertThat(bundleRoots(MESHED_NS)).contains(first, second));
    await("status shows the overlap").atMost(WAIT).untilAsserted(() ->
        assertThat(get("rotate-it").getStatus()).extracting(st -> st.bundleRoots).isEqualTo(2));
    await("old root retired after propagation + leaf lifetime").atMost(WAIT).untilAsserted(() -> {
      assertThat(bundleRoots(MESHED_NS)).contains(second).doesNotContain(first);
      assertThat(get("rotate-it").getStatus().bundleRoots).isEqualTo(1);
    });
  }

  private static TrustDomain generated(String name, String trustDomain) {
    TrustDomain td = new TrustDomain();
    td.getMetadata().setName(name);
    td.setSpec(new TrustDomainSpec());
    td.getSpec().trustDomain = trustDomain;
    td.getSpec().root = new TrustDomainSpec.RootSource();
    td.getSpec().root.generate = new TrustDomainSpec.GeneratedRoot();
    return td;
  }

  private static TrustDomain imported(String name, String trustDomain, String secret) {
    TrustDomain td = generated(name, trustDomain);
    td.getSpec().root.generate = null;
    td.getSpec().root.secretRef = new TrustDomainSpec.SecretRef();
    td.getSpec().root.secretRef.name = secret;
    return td;
  }

  private static TrustDomain apply(TrustDomain td) {
    return admin.resource(td).forceConflicts().serverSideApply();
  }

  private static TrustDomain get(String name) {
    return admin.resources(TrustDomain.class).withName(name).get();
  }

  /** Its conditions; none before the first status (an await sees that as not yet). */
  private static java.util.List<io.fabric8.kubernetes.api.model.Condition> conditions(TrustDomain td) {
    return td == null || td.getStatus() == null || td.getStatus().conditions == null
        ? java.util.List.of() : td.getStatus().conditions;
  }

  private static TrustDomain awaitReady(String name) {
    await(name + " ready").atMost(WAIT).until(() -> ready(get(name)).filter(c ->
        c.getStatus().equals("True")).isPresent());
    return get(name);
  }

  private static void assertNotReady(String name, String reason, String message) {
    await(name + " not ready: " + reason).atMost(WAIT).untilAsserted(() ->
        assertThat(ready(get(name))).hasValueSatisfying(c -> {
          assertThat(c.getStatus()).isEqualTo("False");
          assertThat(c.getReason()).isEqualTo(reason);
          assertThat(c.getMessage()).contains(message);
        }));
  }

  private static Optional<Condition> ready(TrustDomain td) {
    return td == null || td.getStatus() == null ? Optional.empty()
        : td.getStatus().conditions.stream().filter(c -> c.getType().equals("Ready")).findFirst();
  }

  private static void rootSecret(String name, String certificate, String key) {
    admin.resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace(OPERATOR_NS)
        .endMetadata().withType("kubernetes.io/tls")
        .addToData("tls.crt", base64(certificate)).addToData("tls.key", base64(key)).build())
        .forceConflicts().serverSideApply();
  }

  private static Optional<ConfigMap> bundle(String namespace) {
    return Optional.ofNullable(admin.configMaps().inNamespace(namespace)
        .withName("palisade-trust-bundle").get());
  }

  private static List<X509Certificate> bundleRoots(String namespace) {
    return bundle(namespace).map(ConfigMap::getData).map(d -> d.get("ca.crt"))
        .map(pem -> {
          try {
            return Pem.parseCertificates(pem);
          } catch (IllegalArgumentException e) {
            return List.<X509Certificate>of();
          }
        }).orElse(List.of());
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  static Map<String, String> decoded(Map<String, String> data) {
    return data.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
        e -> new String(Base64.getDecoder().decode(e.getValue()), StandardCharsets.US_ASCII)));
  }
}
