package dev.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.api.v1alpha1.TrustDomainSpec;
import dev.palisade.operator.OperatorConfig;
import dev.palisade.operator.OperatorServers;
import dev.palisade.operator.PalisadeOperator;
import dev.palisade.operator.reconciler.webhook.WebhookCaBundleReconciler;
import dev.palisade.testing.ControlPlane;
import dev.palisade.testing.OperatorServiceAccount;
import dev.palisade.testing.PalisadeApi;
import dev.palisade.testing.TestCa;
import dev.palisade.testing.WebhookConfigurations;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code palisade check} against a real API server with the real operator (reconcilers and
 * HTTPS servers in this JVM, as the chart's ServiceAccount, serving the chart's webhook
 * configuration by URL): first all green, then each failure made on purpose and put back.
 * There is no kubelet or controller manager: the operator's Deployment is a stand-in whose
 * status the test writes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CheckIT {

  private static final String TRUST_DOMAIN = "check.it";
  private static final String NS = OperatorServiceAccount.NAMESPACE;
  private static final String APP_NS = "check-it-app";
  private static final String TEST_LABEL_VALUE = "check-it";
  private static final Duration WAIT = Duration.ofSeconds(90);

  private static ControlPlane controlPlane;
  private static KubernetesClient admin;
  private static KubernetesClient operatorClient;
  private static OperatorServers servers;
  private static PalisadeOperator operator;

  @BeforeAll
  static void install() {
    controlPlane = ControlPlane.get();
    admin = controlPlane.adminClient();
    PalisadeApi.install(admin);
    WebhookConfigurations.delete(admin, WebhookCaBundleReconciler.DEFAULT_CONFIGURATION);
    operatorClient = OperatorServiceAccount.client(controlPlane);
    operator = new PalisadeOperator(operatorClient, new PalisadeOperator.Settings(NS,
        Duration.ofMinutes(1), false, TRUST_DOMAIN), Clock.systemUTC());
    operator.start();
    TrustDomain td = new TrustDomain();
    td.getMetadata().setName("check-it");
    td.setSpec(new TrustDomainSpec());
    td.getSpec().trustDomain = TRUST_DOMAIN;
    td.getSpec().root = new TrustDomainSpec.RootSource();
    td.getSpec().root.generate = new TrustDomainSpec.GeneratedRoot();
    admin.resource(td).forceConflicts().serverSideApply();
    servers = new OperatorServers(operatorClient, new OperatorConfig(NS,
        OperatorServiceAccount.NAME, "palisade-operator", TRUST_DOMAIN, Duration.ofMinutes(1),
        false, 0, 0), Clock.systemUTC());
    operatorDeployment(2, 2);

    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(APP_NS)
        .addToLabels("palisade.dev/inject", "enabled")
        .addToLabels(WebhookConfigurations.TEST_LABEL, TEST_LABEL_VALUE)
        .endMetadata().build()).createOr(existing -> existing.update());
    admin.resource(WebhookConfigurations.fromChart(controlPlane, admin,
        WebhookCaBundleReconciler.DEFAULT_CONFIGURATION, TEST_LABEL_VALUE,
        "webhook.url=https://localhost:" + servers.webhookPort() + "/mutate-pods")).create();
    awaitHealthy();
  }

  /** Until the operator has its CA, bundle and caBundle out, the API server cannot inject. */
  private static void awaitHealthy() {
    await("the operator serves injection and published the bundle").atMost(WAIT)
        .ignoreExceptions().untilAsserted(() -> {
          CliRun run = CliRun.run("check", "-o", "json");
          assertThat(run.status()).as(run.toString()).isZero();
        });
  }

  @AfterAll
  static void uninstall() throws Exception {
    if (admin != null) {
      WebhookConfigurations.delete(admin, WebhookCaBundleReconciler.DEFAULT_CONFIGURATION);
      admin.apps().deployments().inNamespace(NS).withName("palisade-operator").delete();
      unlabel(APP_NS);
      admin.namespaces().withName(APP_NS).delete();
    }
    if (servers != null) {
      servers.close();
    }
    if (operator != null) {
      operator.close();
    }
    if (operatorClient != null) {
      operatorClient.close();
    }
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  @Order(1)
  void aHealthyInstallPassesEveryCheck() {
    CliRun run = CliRun.run("check");
    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(run.out())
        .contains("[ok]   crd trustdomains.palisade.dev: installed")
        .contains("[ok]   operator: 2 of 2 replicas ready")
        .contains("[ok]   operator-rbac: system:serviceaccount:palisade-system:palisade-operator"
            + " holds all")
        .contains("[ok]   trustdomain check-it: Ready; root until")
        .contains("[ok]   webhook: 3 webhook(s); each caBundle holds the root of check.it")
        .contains("[ok]   injection: a dry-run pod in namespace " + APP_NS
            + " came back with palisade-proxy")
        .contains("[ok]   trust-bundles: present in all")
        .contains("All checks passed.");

    CliRun json = CliRun.run("check", "-o", "json");
    assertThat(json.json().path("ok").asBoolean()).isTrue();
    assertThat(json.check("webhook").path("status").asText()).isEqualTo("ok");
  }

  @Test
  @Order(2)
  void preInstallChecksTheVersionTheAdmissionApisAndTheInstallersRights() {
    CliRun run = CliRun.run("check", "--pre", "-o", "json");
    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(run.check("kubernetes-version").path("message").asText())
        .startsWith("v" + ControlPlane.KUBE_VERSION);
    assertThat(run.check("admission-webhooks").path("status").asText()).isEqualTo("ok");
    assertThat(run.check("admission-policies").path("status").asText()).isEqualTo("ok");
    assertThat(run.check("install-rbac").path("status").asText()).isEqualTo("ok");
  }

  /**
   * Here because this class runs the webhook: {@code palisade inject}, offline with the chart's
   * defaults (and this operator's endpoint and trust domain), gives the containers the API
   * server gets from the webhook for the same pod.
   */
  @Test
  @Order(2)
  void injectOfflineGivesWhatTheWebhookGives() throws Exception {
    String manifest = """
        apiVersion: v1
        kind: Pod
        metadata: {name: same, namespace: %s, labels: {app: web}}
        spec:
          serviceAccountName: default
          containers:
            - name: app
              image: registry.invalid/app:1
              ports: [{containerPort: 8080}]
        """.formatted(APP_NS);
    Pod fromWebhook = admin.pods().inNamespace(APP_NS).resource(admin.getKubernetesSerialization()
        .unmarshal(manifest, Pod.class)).dryRun().create();
    java.nio.file.Path file = java.nio.file.Files.createTempFile("pod", ".yaml");
    try {
      java.nio.file.Files.writeString(file, manifest);
      CliRun run = CliRun.offline("inject", "-f", file.toString(), "--trust-domain", TRUST_DOMAIN,
          "--operator-endpoint", "https://palisade-operator." + NS + ".svc:443");
      assertThat(run.status()).as(run.toString()).isZero();
      Pod offline = admin.getKubernetesSerialization().unmarshal(run.out(), Pod.class);
      assertThat(offline.getSpec().getInitContainers())
          .isEqualTo(fromWebhook.getSpec().getInitContainers());
      assertThat(offline.getMetadata().getLabels()).isEqualTo(fromWebhook.getMetadata().getLabels());
      assertThat(offline.getMetadata().getAnnotations())
          .containsAllEntriesOf(fromWebhook.getMetadata().getAnnotations());
    } finally {
      java.nio.file.Files.delete(file);
    }
  }

  @Test
  @Order(3)
  void operatorReplicasNotReady() {
    operatorDeployment(2, 1);
    try {
      CliRun run = CliRun.run("check", "-o", "json");
      assertThat(run.status()).isEqualTo(Main.FAILED);
      assertThat(run.check("operator").path("status").asText()).isEqualTo("fail");
      assertThat(run.check("operator").path("message").asText()).isEqualTo("1 of 2 replicas ready");
      assertThat(run.check("operator").path("hint").asText()).contains("kubectl logs");
    } finally {
      operatorDeployment(2, 2);
    }
  }

  @Test
  @Order(4)
  void aTrustDomainNotReady() {
    TrustDomain broken = new TrustDomain();
    broken.getMetadata().setName("check-it-broken");
    broken.setSpec(new TrustDomainSpec());
    broken.getSpec().trustDomain = "broken.check.it";
    broken.getSpec().root = new TrustDomainSpec.RootSource();
    broken.getSpec().root.secretRef = new TrustDomainSpec.SecretRef();
    broken.getSpec().root.secretRef.name = "no-such-secret";
    admin.resource(broken).forceConflicts().serverSideApply();
    try {
      await("the operator reports it").atMost(WAIT).untilAsserted(() -> {
        CliRun run = CliRun.run("check", "-o", "json");
        assertThat(run.status()).isEqualTo(Main.FAILED);
        assertThat(run.check("trustdomain check-it-broken").path("message").asText())
            .startsWith("not Ready (");
      });
      CliRun run = CliRun.run("check");
      assertThat(run.out()).contains("fix: kubectl describe trustdomain check-it-broken");
    } finally {
      admin.resource(broken).delete();
    }
  }

  @Test
  @Order(5)
  void aCrdOfAnotherReleaseAndThenAMissingWebhookConfiguration() {
    String path = "/spec/versions/0/schema/openAPIV3Schema/description";
    var crds = admin.apiextensions().v1().customResourceDefinitions();
    crds.withName("accesspolicies.palisade.dev").patch(PatchContext.of(PatchType.JSON),
        "[{\"op\":\"add\",\"path\":\"" + path + "\",\"value\":\"an older release\"}]");
    try {
      CliRun run = CliRun.run("check", "-o", "json");
      assertThat(run.status()).isEqualTo(Main.FAILED);
      var check = run.check("crd accesspolicies.palisade.dev");
      assertThat(check.path("status").asText()).isEqualTo("fail");
      assertThat(check.path("message").asText()).contains("has another schema");
      assertThat(check.path("hint").asText()).contains("kubectl apply --server-side");
      assertThat(run.check("crd meshpolicies.palisade.dev").path("status").asText())
          .isEqualTo("ok");
    } finally {
      crds.withName("accesspolicies.palisade.dev").patch(PatchContext.of(PatchType.JSON),
          "[{\"op\":\"remove\",\"path\":\"" + path + "\"}]");
    }
  }

  /**
   * Without its RBAC the operator cannot put a caBundle back or publish a bundle: a wrong
   * caBundle stays wrong and a newly labelled namespace gets no bundle, and check says so.
   */
  @Test
  @Order(6)
  void withoutItsRbacTheOperatorCannotRepairAWrongCaBundleOrPublishABundle() {
    admin.rbac().clusterRoleBindings().withName("palisade-operator").delete();
    await("the binding is gone").atMost(WAIT).until(() -> admin.rbac().clusterRoleBindings()
        .withName("palisade-operator").get() == null);
    String otherCa = Base64.getEncoder().encodeToString(dev.palisade.common.pki.Pem
        .certificate(TestCa.create("other.example").rootCertificate())
        .getBytes(StandardCharsets.US_ASCII));
    var configuration = admin.admissionRegistration().v1().mutatingWebhookConfigurations()
        .withName(WebhookCaBundleReconciler.DEFAULT_CONFIGURATION);
    int webhooks = configuration.get().getWebhooks().size();
    StringBuilder patch = new StringBuilder("[");
    for (int i = 0; i < webhooks; i++) {
      patch.append(i == 0 ? "" : ",").append("{\"op\":\"replace\",\"path\":\"/webhooks/")
          .append(i).append("/clientConfig/caBundle\",\"value\":\"").append(otherCa)
          .append("\"}");
    }
    configuration.patch(PatchContext.of(PatchType.JSON), patch.append("]").toString());
    String unpublished = "check-it-unpublished";
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(unpublished)
        .addToLabels("palisade.dev/inject", "enabled").endMetadata().build()).create();
    try {
      CliRun run = CliRun.run("check", "-o", "json");
      assertThat(run.status()).isEqualTo(Main.FAILED);
      assertThat(run.check("operator-rbac").path("status").asText()).isEqualTo("fail");
      assertThat(run.check("operator-rbac").path("message").asText())
          .contains("list pods").contains("create tokenreviews.authentication.k8s.io")
          .doesNotContain("leases"); // the Role's binding is still there
      assertThat(run.check("webhook").path("status").asText()).isEqualTo("fail");
      assertThat(run.check("webhook").path("message").asText())
          .contains("the caBundle lacks the current root of trust domain check.it");
      assertThat(run.check("trust-bundles").path("status").asText()).isEqualTo("fail");
      assertThat(run.check("trust-bundles").path("message").asText()).contains(unpublished);
    } finally {
      // unlabelled first: without a namespace controller, a deleted namespace stays Terminating
      unlabel(unpublished);
      admin.namespaces().withName(unpublished).delete();
      OperatorServiceAccount.client(controlPlane).close(); // re-applies the chart's RBAC
      // the reconciler may have given up retrying meanwhile: an edit wakes it
      configuration.edit(c -> {
        c.getMetadata().getAnnotations().put("check-it/wake", Long.toString(System.nanoTime()));
        return c;
      });
    }
    awaitHealthy();
  }

  @Test
  @Order(7)
  void noWebhookConfigurationAndAnUnreachableProxy() throws Exception {
    // (not Workloads: its constructor would replace the namespace's labels)
    admin.serviceAccounts().inNamespace(APP_NS).resource(new io.fabric8.kubernetes.api.model
        .ServiceAccountBuilder().withNewMetadata().withName("app").endMetadata().build())
        .createOr(existing -> existing.update());
    Pod pod = admin.pods().inNamespace(APP_NS).resource(new PodBuilder()
        .withNewMetadata().withName("unreachable").withLabels(Map.of("palisade.dev/proxy",
            "injected")).withAnnotations(Map.of("palisade.dev/inject", "false")).endMetadata()
        .withNewSpec().withServiceAccountName("app")
        .addNewContainer().withName("app").withImage("registry.invalid/app:1").endContainer()
        .endSpec().build()).create();
    admin.pods().inNamespace(APP_NS).withName("unreachable").editStatus(p -> new PodBuilder(p)
        .editOrNewStatus().withPhase("Running").withPodIP("198.18.255.254").endStatus().build());
    var saved = admin.admissionRegistration().v1().mutatingWebhookConfigurations()
        .withName(WebhookCaBundleReconciler.DEFAULT_CONFIGURATION).get();
    WebhookConfigurations.delete(admin, WebhookCaBundleReconciler.DEFAULT_CONFIGURATION);
    try {
      CliRun run = CliRun.run("check", "--proxy-timeout", "1s", "-o", "json");
      assertThat(run.status()).isEqualTo(Main.FAILED);
      assertThat(run.check("webhook").path("message").asText())
          .startsWith("no MutatingWebhookConfiguration palisade-inject");
      assertThat(run.check("injection").path("status").asText()).isEqualTo("fail");
      var proxies = run.check("proxy-certificates");
      assertThat(proxies.path("status").asText()).isEqualTo("skip");
      assertThat(proxies.path("message").asText()).contains(APP_NS + "/unreachable")
          .contains("not reachable through the API server's pod proxy");
    } finally {
      admin.resource(pod).delete();
      saved.getMetadata().setResourceVersion(null);
      saved.getMetadata().setUid(null);
      admin.resource(saved).create();
    }
    awaitHealthy();
  }

  /** Last: the operator's WorkloadCertificate informer loses its CRD for a moment. */
  @Test
  @Order(8)
  void aMissingCrd() throws Exception {
    String name = "workloadcertificates.palisade.dev";
    admin.apiextensions().v1().customResourceDefinitions().withName(name).delete();
    await("deleted").atMost(WAIT).until(() -> admin.apiextensions().v1()
        .customResourceDefinitions().withName(name).get() == null);
    try {
      CliRun run = CliRun.run("check", "-o", "json");
      assertThat(run.status()).isEqualTo(Main.FAILED);
      assertThat(run.check("crd " + name).path("message").asText()).isEqualTo("not installed");
      assertThat(run.check("crd " + name).path("hint").asText())
          .contains("helm installs CRDs only on first install");
    } finally {
      try (InputStream in = CrdChecks.class.getResourceAsStream(
          "crds/workloadcertificates.palisade.dev-v1.yml")) {
        admin.load(in).forceConflicts().serverSideApply();
      }
      await("established again").atMost(WAIT).until(() -> {
        CustomResourceDefinition crd = admin.apiextensions().v1().customResourceDefinitions()
            .withName(name).get();
        return crd != null && crd.getStatus() != null && crd.getStatus().getConditions()
            .stream().anyMatch(c -> c.getType().equals("Established")
                && c.getStatus().equals("True"));
      });
    }
  }

  private static void unlabel(String namespace) {
    admin.namespaces().withName(namespace).edit(n -> {
      n.getMetadata().getLabels().remove("palisade.dev/inject");
      n.getMetadata().getLabels().remove(WebhookConfigurations.TEST_LABEL);
      return n;
    });
  }

  /** The chart's Deployment, as far as check reads it, with {@code ready} replicas ready. */
  private static void operatorDeployment(int replicas, int ready) {
    Deployment deployment = new DeploymentBuilder()
        .withNewMetadata().withName("palisade-operator").withNamespace(NS).endMetadata()
        .withNewSpec().withReplicas(replicas)
        .withNewSelector().addToMatchLabels("app.kubernetes.io/name", "palisade").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app.kubernetes.io/name", "palisade")
        .endMetadata()
        .withNewSpec().withServiceAccountName(OperatorServiceAccount.NAME)
        .addNewContainer().withName("operator").withImage("palisade/operator:0.1.0")
        .addNewEnv().withName("PALISADE_TRUST_DOMAIN").withValue(TRUST_DOMAIN).endEnv()
        .endContainer().endSpec().endTemplate().endSpec().build();
    admin.resource(deployment).forceConflicts().serverSideApply();
    admin.apps().deployments().inNamespace(NS).withName("palisade-operator").editStatus(d ->
        new DeploymentBuilder(d).editOrNewStatus().withReplicas(replicas)
            .withReadyReplicas(ready).withAvailableReplicas(ready).endStatus().build());
  }

}
