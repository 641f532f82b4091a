package dev.palisade.operator.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.palisade.api.v1alpha1.CertificateRevocation;
import dev.palisade.api.v1alpha1.CertificateRevocationSpec;
import dev.palisade.api.v1alpha1.IdentitySuspension;
import dev.palisade.api.v1alpha1.IdentitySuspensionSpec;
import dev.palisade.api.v1alpha1.RevocationStatus;
import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.testing.OperatorStack;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.CustomResource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole operator, as the chart's ServiceAccount, on a real API server: revocations and
 * suspensions get their status, Events and expiry, and reach the configuration every proxy is
 * served (the operator's gauge of what that configuration carries). That a proxy enforces them
 * is the sidecar's tests' and the node's (RevocationE2eIT).
 */
class RevocationIT {

  private static final String TRUST_DOMAIN = "revocation.it";
  private static OperatorStack stack;
  private static KubernetesClient admin;

  @BeforeAll
  static void start() {
    stack = new OperatorStack(TRUST_DOMAIN, "revocation-it");
    admin = stack.admin;
    await("the trust domain's CA").atMost(Duration.ofSeconds(60)).until(() -> issuerNotAfter()
        != null);
  }

  @AfterAll
  static void stop() throws Exception {
    stack.close();
  }

  @AfterEach
  void removeEverything() {
    admin.resources(CertificateRevocation.class).delete();
    admin.resources(IdentitySuspension.class).delete();
    await("nothing revoked").atMost(Duration.ofSeconds(10))
        .until(() -> served("certificate") == 0 && served("identity") == 0);
  }

  @Test
  void aRevocationIsInForceUntilItsIssuerExpiresAndReachesEveryConfiguration() {
    admin.resource(revocation("leaked-web-key", TRUST_DOMAIN, "4F:2A:91:07", null)).create();

    await("served to every proxy").atMost(Duration.ofSeconds(2))
        .until(() -> served("certificate") == 1);
    RevocationStatus status = awaitStatus(CertificateRevocation.class, "leaked-web-key",
        s -> ready(s) != null);
    assertThat(ready(status).getStatus()).isEqualTo("True");
    assertThat(ready(status).getReason()).isEqualTo("InForce");
    assertThat(ready(status).getMessage()).contains("certificate 4f2a9107 of " + TRUST_DOMAIN);
    assertThat(Instant.parse(status.expiresAt)).as("no certificate outlives its issuer")
        .isEqualTo(Instant.parse(issuerNotAfter()));
    await("an Event says so").atMost(Duration.ofSeconds(10))
        .until(() -> events("leaked-web-key").stream()
            .anyMatch(e -> e.getReason().equals("InForce")));
  }

  @Test
  void aRevocationPastTheCertificatesExpiryIsARecordOnly() {
    String past = Instant.now().minusSeconds(60).toString();
    admin.resource(revocation("already-expired", TRUST_DOMAIN, "0a0b", past)).create();

    RevocationStatus status = awaitStatus(CertificateRevocation.class, "already-expired",
        s -> ready(s) != null);
    assertThat(ready(status).getStatus()).isEqualTo("False");
    assertThat(ready(status).getReason()).isEqualTo("Expired");
    assertThat(status.expiresAt).isEqualTo(Instant.parse(past).toString());
    assertThat(served("certificate")).as("not sent to the proxies").isZero();
  }

  @Test
  void aRevocationInAnotherTrustDomainIsNotSentAndSaysWhy() {
    admin.resource(revocation("elsewhere", "unknown.example", "0b", null)).create();

    RevocationStatus status = awaitStatus(CertificateRevocation.class, "elsewhere",
        s -> ready(s) != null);
    assertThat(ready(status).getReason()).isEqualTo("UnknownTrustDomain");
    assertThat(ready(status).getMessage()).contains("kubectl get trustdomains");
    assertThat(served("certificate")).isZero();
  }

  @Test
  void aRevocationCannotBeEditedOnlyDeleted() {
    admin.resource(revocation("immutable", TRUST_DOMAIN, "0c", null)).create();

    // A merge patch carries no resourceVersion: only the validation can refuse it (an update
    // could lose a race with the status the operator writes meanwhile).
    assertThatThrownBy(() -> admin.resources(CertificateRevocation.class).withName("immutable")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"serialNumber\":\"0d\"}}"))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec: Invalid value: \"object\": is immutable");
  }

  @Test
  void aSuspensionIsInForceAndReachesEveryConfiguration() {
    IdentitySuspension suspension = new IdentitySuspension();
    suspension.getMetadata().setName("web-compromised");
    suspension.setSpec(new IdentitySuspensionSpec());
    suspension.getSpec().spiffeId = "spiffe://" + TRUST_DOMAIN + "/ns/shop/sa/web";
    suspension.getSpec().reason = "INC-1234";
    admin.resource(suspension).create();

    await("served to every proxy").atMost(Duration.ofSeconds(2))
        .until(() -> served("identity") == 1);
    RevocationStatus status = awaitStatus(IdentitySuspension.class, "web-compromised",
        s -> ready(s) != null);
    assertThat(ready(status).getReason()).isEqualTo("InForce");
    assertThat(status.expiresAt).as("until deleted").isNull();
  }

  private static CertificateRevocation revocation(String name, String trustDomain,
      String serial, String expiresAt) {
    CertificateRevocation revocation = new CertificateRevocation();
    revocation.getMetadata().setName(name);
    revocation.setSpec(new CertificateRevocationSpec());
    revocation.getSpec().trustDomain = trustDomain;
    revocation.getSpec().serialNumber = serial;
    revocation.getSpec().expiresAt = expiresAt;
    revocation.getSpec().reason = "a test";
    return revocation;
  }

  /** What the configuration every proxy is served carries now (the operator's gauge). */
  private static double served(String kind) {
    return stack.servers.registry().get("palisade.config.revocations").tag("kind", kind)
        .gauge().value();
  }

  private static String issuerNotAfter() {
    TrustDomain td = admin.resources(TrustDomain.class)
        .withName(TRUST_DOMAIN.replace('.', '-')).get();
    return td == null || td.getStatus() == null || td.getStatus().issuer == null ? null
        : td.getStatus().issuer.notAfter;
  }

  private static <R extends CustomResource<?, RevocationStatus>> RevocationStatus awaitStatus(
      Class<R> kind, String name, Predicate<RevocationStatus> until) {
    return await(kind.getSimpleName() + " " + name + " status").atMost(Duration.ofSeconds(30))
        .until(() -> {
          R object = admin.resources(kind).withName(name).get();
          return object == null ? null : object.getStatus();
        }, status -> status != null && until.test(status));
  }

  private static Condition ready(RevocationStatus status) {
    return status.conditions == null ? null : status.conditions.stream()
        .filter(c -> c.getType().equals("Ready")).findFirst().orElse(null);
  }

  private static List<Event> events(String name) {
    return admin.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName())
            && "CertificateRevocation".equals(e.getInvolvedObject().getKind()))
        .toList();
  }
}
