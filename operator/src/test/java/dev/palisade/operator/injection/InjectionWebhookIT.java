package dev.palisade.operator.injection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.api.v1alpha1.TrustDomainSpec;
import dev.palisade.common.pki.Pem;
import dev.palisade.operator.OperatorConfig;
import dev.palisade.operator.OperatorServers;
import dev.palisade.operator.PalisadeOperator;
import dev.palisade.operator.http.Json;
import dev.palisade.operator.reconciler.webhook.WebhookCaBundleReconciler;
import dev.palisade.testing.CommandLine;
import dev.palisade.testing.ControlPlane;
import dev.palisade.testing.Kubectl;
import dev.palisade.testing.OperatorServiceAccount;
import dev.palisade.testing.PalisadeApi;
import dev.palisade.testing.PrometheusText;
import dev.palisade.testing.TrustingRoot;
import dev.palisade.testing.WebhookConfigurations;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Injection as a cluster does it: the real kube-apiserver calls {@code /mutate-pods} over TLS
 * on the operator's HTTPS server (wired by {@link OperatorServers}, as Main does), verifying it
 * with the {@code caBundle} the operator's reconciler wrote into the chart's webhook
 * configuration; everything operator-side runs as the chart's ServiceAccount.
 *
 * <p>The configuration is the chart's, rendered by helm with {@code webhook.url} pointing here
 * and confined to this class's namespaces ({@link WebhookConfigurations}). There is no
 * controller-manager, so a Job gets no pods by itself: the test creates the Job, then a pod from
 * its template and owned by it, as the Job controller would. Pods are never scheduled (no
 * kubelet); what is checked is what the API server stores.
 */
class InjectionWebhookIT {

  private static final String TRUST_DOMAIN = "inject.it";
  private static final String LABELLED_NS = "inject-it-labelled";
  private static final String PLAIN_NS = "inject-it-plain";
  private static final String DOWN_FAIL_NS = "inject-it-down-fail";
  private static final String DOWN_IGNORE_NS = "inject-it-down-ignore";
  private static final String DOWN_FAIL = "palisade-inject-it-down-fail";
  private static final String DOWN_IGNORE = "palisade-inject-it-down-ignore";
  private static final Duration WAIT = Duration.ofSeconds(90);

  private static ControlPlane controlPlane;
  private static KubernetesClient admin;
  private static KubernetesClient operatorClient;
  private static PalisadeOperator operator;
  private static OperatorServers servers;
  private static X509Certificate root;

  @BeforeAll
  static void start() {
    controlPlane = ControlPlane.get();
    admin = controlPlane.adminClient();
    PalisadeApi.install(admin);
    WebhookConfigurations.delete(admin, WebhookCaBundleReconciler.DEFAULT_CONFIGURATION, DOWN_FAIL,
        DOWN_IGNORE);
    operatorClient = OperatorServiceAccount.client(controlPlane);
    operator = new PalisadeOperator(operatorClient, new PalisadeOperator.Settings(
        OperatorServiceAccount.NAMESPACE, Duration.ofMinutes(1), false, TRUST_DOMAIN),
        Clock.systemUTC());
    operator.start();
    TrustDomain td = new TrustDomain();
    td.getMetadata().setName("inject-it");
    td.setSpec(new TrustDomainSpec());
    td.getSpec().trustDomain = TRUST_DOMAIN;
    td.getSpec().root = new TrustDomainSpec.RootSource();
    td.getSpec().root.generate = new TrustDomainSpec.GeneratedRoot();
    admin.resource(td).forceConflicts().serverSideApply();
    await("CA of " + TRUST_DOMAIN).atMost(WAIT).until(() -> caSecretRoots().isPresent());
    root = caSecretRoots().orElseThrow().getFirst();

    servers = new OperatorServers(operatorClient, new OperatorConfig(
        OperatorServiceAccount.NAMESPACE, OperatorServiceAccount.NAME, "palisade-operator",
        TRUST_DOMAIN, Duration.ofMinutes(1), false, 0, 0), Clock.systemUTC());
    await("operator ready").atMost(WAIT).ignoreExceptions()
        .until(() -> adminGet("/readyz").statusCode() == 200);

    namespace(LABELLED_NS, "main", true);
    namespace(PLAIN_NS, "main", false);
    admin.resource(WebhookConfigurations.fromChart(controlPlane, admin,
        WebhookCaBundleReconciler.DEFAULT_CONFIGURATION, "main",
        "webhook.url=https://localhost:" + servers.webhookPort() + "/mutate-pods")).create();
    // Until the operator has written the caBundle, the API server cannot verify the webhook
    // and (failurePolicy Fail) refuses pods; then it picks the configuration up.
    await("the API server injects through the webhook").atMost(WAIT).ignoreExceptions()
        .until(() -> hasProxy(admin.pods().inNamespace(LABELLED_NS)
            .resource(pod("probe").build()).dryRun().create()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (admin != null) {
      WebhookConfigurations.delete(admin, WebhookCaBundleReconciler.DEFAULT_CONFIGURATION, DOWN_FAIL,
          DOWN_IGNORE);
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
  void aPodOfALabelledNamespaceIsStoredWithTheProxyAndASecondReviewChangesNothing()
      throws Exception {
    Pod stored = admin.pods().inNamespace(LABELLED_NS).resource(pod("web-0")
        .editSpec().withServiceAccountName("web").endSpec().build()).create();

    assertThat(names(stored.getSpec().getInitContainers()))
        .containsExactly("palisade-init", "palisade-proxy");
    Container proxy = stored.getSpec().getInitContainers().get(1);
    assertThat(proxy.getRestartPolicy()).isEqualTo("Always");
    assertThat(proxy.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz/ready");
    assertThat(proxy.getSecurityContext().getRunAsUser()).isEqualTo(1337L);
    assertThat(names(stored.getSpec().getContainers())).containsExactly("app");
    assertThat(stored.getSpec().getVolumes()).extracting(Volume::getName)
        .contains("palisade-identity", "palisade-tmp");
    assertThat(stored.getMetadata().getLabels()).containsEntry("palisade.dev/proxy", "injected");
    assertThat(stored.getMetadata().getAnnotations())
        .containsEntry("palisade.dev/proxy-version", "0.1.0");

    // What the API server would send on a re-invocation: the pod as stored, defaults and all.
    JsonNode response = review(stored, LABELLED_NS);
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.has("patch")).as(response.toString()).isFalse();
    PrometheusText metrics = PrometheusText.scrape(adminUri("/metrics"));
    assertThat(metrics.value("palisade_webhook_requests_total{result=\"injected\",webhook=\"inject\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(metrics.value("palisade_webhook_requests_total{result=\"unchanged\",webhook=\"inject\"}"))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void aJobsPodGetsTheProxyAndTheJobItselfIsUntouched() {
    Job job = admin.batch().v1().jobs().inNamespace(LABELLED_NS).resource(new JobBuilder()
        .withNewMetadata().withName("nightly-report").endMetadata()
        .withNewSpec()
          .withNewTemplate()
            .withNewSpec()
              .withRestartPolicy("Never")
              .addNewContainer().withName("report").withImage("registry.invalid/report:1")
              .endContainer()
            .endSpec()
          .endTemplate()
        .endSpec().build()).create();
    assertThat(job.getSpec().getTemplate().getSpec().getInitContainers()).isNullOrEmpty();

    // What the Job controller would create: the template, owned by the Job.
    Pod stored = admin.pods().inNamespace(LABELLED_NS).resource(new PodBuilder()
        .withNewMetadata()
          .withGenerateName("nightly-report-")
          .withLabels(job.getSpec().getTemplate().getMetadata().getLabels())
          .addNewOwnerReference().withApiVersion("batch/v1").withKind("Job")
            .withName(job.getMetadata().getName()).withUid(job.getMetadata().getUid())
            .withController(true).withBlockOwnerDeletion(true).endOwnerReference()
        .endMetadata()
        .withSpec(job.getSpec().getTemplate().getSpec())
        .build()).create();

    assertThat(names(stored.getSpec().getInitContainers()))
        .containsExactly("palisade-init", "palisade-proxy");
    assertThat(stored.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(stored.getSpec().getInitContainers().get(1).getRestartPolicy()).isEqualTo("Always");
    assertThat(admin.batch().v1().jobs().inNamespace(LABELLED_NS).withName("nightly-report").get()
        .getSpec().getTemplate().getSpec().getInitContainers()).isNullOrEmpty();
  }

  @Test
  void podsThatDoNotAskForTheProxyAreStoredAsSent() {
    Pod optedOut = admin.pods().inNamespace(LABELLED_NS).resource(pod("opted-out")
        .editMetadata().addToAnnotations("palisade.dev/inject", "false").endMetadata().build())
        .create();
    Pod plain = admin.pods().inNamespace(PLAIN_NS).resource(pod("plain").build()).create();

    for (Pod stored : List.of(optedOut, plain)) {
      assertThat(stored.getSpec().getInitContainers()).isNullOrEmpty();
      assertThat(Objects.requireNonNullElse(stored.getMetadata().getLabels(), Map.of()))
          .doesNotContainKey("palisade.dev/proxy");
    }
  }

  @Test
  void aPodOptingInByAnnotationElsewhereGetsTheProxyAndItsNamespaceTheTrustBundle() {
    Pod stored = admin.pods().inNamespace(PLAIN_NS).resource(pod("debug")
        .editMetadata().addToAnnotations("palisade.dev/inject", "true").endMetadata().build())
        .create();

    assertThat(names(stored.getSpec().getInitContainers()))
        .containsExactly("palisade-init", "palisade-proxy");
    // Until the reconciler has written it: absent at first (an NPE would end the wait at once).
    await("trust bundle in " + PLAIN_NS).atMost(WAIT).untilAsserted(() -> {
      var bundle = admin.configMaps().inNamespace(PLAIN_NS).withName("palisade-trust-bundle")
          .get();
      assertThat(bundle).isNotNull();
      assertThat(Pem.parseCertificates(bundle.getData().get("ca.crt"))).contains(root);
    });
  }

  @Test
  void aHostNetworkPodIsCreatedWithoutTheProxyWithAWarningAndAnEvent() throws IOException {
    CommandLine.Result created = kubectlCreate(LABELLED_NS, """
        apiVersion: v1
        kind: Pod
        metadata: {name: node-agent}
        spec:
          hostNetwork: true
          containers: [{name: agent, image: registry.invalid/agent:1}]
        """);

    assertThat(created.exitCode()).as(created.stderr()).isZero();
    assertThat(created.stderr()).contains("Warning: palisade: no proxy injected: the pod uses"
        + " the node's network (hostNetwork: true)");
    assertThat(admin.pods().inNamespace(LABELLED_NS).withName("node-agent").get().getSpec()
        .getInitContainers()).isNullOrEmpty();
    await("event").atMost(WAIT).untilAsserted(() ->
        assertThat(admin.v1().events().inNamespace(LABELLED_NS).list().getItems())
            .anySatisfy(event -> {
              assertThat(event.getReason()).isEqualTo("ProxyNotInjected");
              assertThat(event.getType()).isEqualTo("Warning");
              assertThat(event.getInvolvedObject().getKind()).isEqualTo("Pod");
              assertThat(event.getInvolvedObject().getName()).isEqualTo("node-agent");
              assertThat(event.getMessage()).contains("hostNetwork: true");
            }));
  }

  @Test
  void aPodThatAskedExplicitlyForWhatCannotBeDoneIsRefusedSayingWhy() throws IOException {
    CommandLine.Result refused = kubectlCreate(PLAIN_NS, """
        apiVersion: v1
        kind: Pod
        metadata:
          name: sniffer
          annotations: {palisade.dev/inject: "true"}
        spec:
          hostNetwork: true
          containers: [{name: sniffer, image: registry.invalid/sniffer:1}]
        """);

    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.stderr()).contains("admission webhook \"pods.inject.palisade.dev\" denied"
        + " the request: annotation palisade.dev/inject: \"true\" asks for the Palisade proxy,"
        + " but it cannot be injected: the pod uses the node's network (hostNetwork: true)");
  }

  @Test
  void aNamespaceLabelledJustNowGetsTheProxyInItsFirstPod() {
    // The webhook knows the label from the selector the API server matched, not from a cache.
    namespace("inject-it-fresh", "main", true);
    Pod created = admin.pods().inNamespace("inject-it-fresh").resource(pod("first").build())
        .create();
    assertThat(hasProxy(created)).isTrue();
  }

  @Test
  void anEnforcedNamespaceInjectsEveryPodAndRefusesEveryWayAround() {
    String ns = "inject-it-enforced";
    namespace(ns, "main", "enforced");
    assertThat(hasProxy(admin.pods().inNamespace(ns).resource(pod("plain").build()).create()))
        .isTrue();

    assertRefusedByEnforced(ns, pod("opt-out").editMetadata()
        .addToAnnotations("palisade.dev/inject", "false").endMetadata().build(),
        "annotation palisade.dev/inject: \"false\" is not honoured: its namespace enforces the mesh");
    assertRefusedByEnforced(ns, pod("exclusion").editMetadata()
        .addToAnnotations("palisade.dev/exclude-outbound-ports", "5432").endMetadata().build(),
        "annotation palisade.dev/exclude-outbound-ports is not honoured");
    assertRefusedByEnforced(ns, pod("thief").editSpec()
        .addNewVolume().withName("palisade-identity").withNewEmptyDir().endEmptyDir().endVolume()
        .editFirstContainer().addNewVolumeMount().withName("palisade-identity")
        .withMountPath("/stolen").endVolumeMount().endContainer().endSpec().build(),
        "container app mounts Palisade's volume palisade-identity");
    assertRefusedByEnforced(ns, pod("impostor").editSpec()
        .addNewVolume().withName("code").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewInitContainer().withName("palisade-proxy").withImage("registry.invalid/x:1")
        .addNewVolumeMount().withName("code").withMountPath("/opt/palisade").endVolumeMount()
        .endInitContainer().endSpec().build(),
        "container palisade-proxy is Palisade's, but comes with a volume mount at /opt/palisade");
  }

  private static void assertRefusedByEnforced(String namespace, Pod pod, String message) {
    assertThatThrownBy(() -> admin.pods().inNamespace(namespace).resource(pod).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(400);
          assertThat(e.getMessage()).contains("admission webhook \"enforced.inject.palisade.dev\""
              + " denied the request: " + message);
        });
  }

  @Test
  void aMalformedAnnotationIsRefusedWithItsMessage() {
    assertThatThrownBy(() -> admin.pods().inNamespace(LABELLED_NS).resource(pod("typo")
        .editMetadata().addToAnnotations("palisade.dev/exclude-outbound-cidrs", "10.0.0.1/24")
        .endMetadata().build()).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(400);
          assertThat(e.getMessage()).contains("admission webhook \"namespaces.inject.palisade.dev\""
              + " denied the request: annotation palisade.dev/exclude-outbound-cidrs:"
              + " \"10.0.0.1/24\": \"10.0.0.1/24\" has host bits set; the network is 10.0.0.0/24");
        });
  }

  @Test
  void theOperatorKeepsTheCaBundleAtItsTrustDomainsRootsAndRestoresIt() {
    String expected = Base64.getEncoder().encodeToString(Pem.certificates(
        caSecretRoots().orElseThrow()).getBytes(StandardCharsets.US_ASCII));
    assertThat(caBundles()).containsOnly(expected);

    admin.admissionRegistration().v1().mutatingWebhookConfigurations()
        .withName(WebhookCaBundleReconciler.DEFAULT_CONFIGURATION).edit(configuration -> {
          configuration.getWebhooks().forEach(webhook -> webhook.getClientConfig()
              .setCaBundle(Base64.getEncoder().encodeToString(
                  "not a certificate".getBytes(StandardCharsets.US_ASCII))));
          return configuration;
        });

    await("caBundle restored").atMost(WAIT).untilAsserted(() ->
        assertThat(caBundles()).containsOnly(expected));
    // Least privilege: the operator may patch its own configuration and no other.
    assertThatThrownBy(() -> operatorClient.admissionRegistration().v1()
        .mutatingWebhookConfigurations().list())
        .isInstanceOfSatisfying(KubernetesClientException.class,
            e -> assertThat(e.getCode()).isEqualTo(403));
  }

  @Test
  void anUnreachableWebhookRefusesPodsUnderFailAndIsSkippedUnderIgnore() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort(); // nothing listens there once closed
    }
    String url = "webhook.url=https://localhost:" + closedPort + "/mutate-pods";
    namespace(DOWN_IGNORE_NS, "down-ignore", true);
    namespace(DOWN_FAIL_NS, "down-fail", true);
    // Ignore first: once the API server enforces the Fail one, it has seen both.
    admin.resource(WebhookConfigurations.fromChart(controlPlane, admin, DOWN_IGNORE,
        "down-ignore", url, "webhook.failurePolicy=Ignore")).create();
    admin.resource(WebhookConfigurations.fromChart(controlPlane, admin, DOWN_FAIL,
        "down-fail", url, "webhook.failurePolicy=Fail")).create();

    await("the Fail configuration enforced").atMost(WAIT).untilAsserted(() ->
        assertThatThrownBy(() -> admin.pods().inNamespace(DOWN_FAIL_NS)
            .resource(pod("probe").build()).dryRun().create())
            .isInstanceOf(KubernetesClientException.class));

    assertThatThrownBy(() -> admin.pods().inNamespace(DOWN_FAIL_NS).resource(pod("refused")
        .build()).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(500);
          assertThat(e.getMessage()).contains("failed calling webhook"
              + " \"namespaces.inject.palisade.dev\"", "connection refused");
        });
    assertThat(admin.pods().inNamespace(DOWN_FAIL_NS).withName("refused").get()).isNull();

    Pod created = admin.pods().inNamespace(DOWN_IGNORE_NS).resource(pod("created").build())
        .create();
    assertThat(created.getSpec().getInitContainers()).isNullOrEmpty();
    assertThat(admin.raw("/metrics")).as("the API server failed open on the Ignore webhook")
        .containsPattern("apiserver_admission_webhook_fail_open_count\\{name=\""
            + "namespaces.inject.palisade.dev\",type=\"admit\"} [1-9]");
  }

  /** Sends {@code pod} for review over TLS as the API server does; returns the response part. */
  private static JsonNode review(Pod pod, String namespace) throws Exception {
    ObjectNode review = Json.MAPPER.createObjectNode()
        .put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode request = review.putObject("request")
        .put("uid", "it-review").put("operation", "CREATE").put("namespace", namespace);
    request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
    request.set("object", Json.MAPPER.valueToTree(pod));
    try (HttpClient https = HttpClient.newBuilder().sslContext(TrustingRoot.sslContext(root))
        .connectTimeout(Duration.ofSeconds(10)).build()) {
      HttpResponse<String> response = https.send(HttpRequest.newBuilder(URI.create(
              "https://localhost:" + servers.webhookPort() + PodInjectionWebhook.PATH))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(review.toString()))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return Json.MAPPER.readTree(response.body()).path("response");
    }
  }

  private static PodBuilder pod(String name) {
    return new PodBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec()
          .addNewContainer().withName("app").withImage("registry.invalid/app:1").endContainer()
        .endSpec();
  }

  /** A namespace this class's webhook configurations see, with the ServiceAccounts pods use. */
  private static void namespace(String name, String webhooks, boolean injectionEnabled) {
    namespace(name, webhooks, injectionEnabled ? "enabled" : null);
  }

  private static void namespace(String name, String webhooks, String injectLabel) {
    NamespaceBuilder namespace = new NamespaceBuilder().withNewMetadata().withName(name)
        .addToLabels(WebhookConfigurations.TEST_LABEL, webhooks).endMetadata();
    if (injectLabel != null) {
      namespace.editMetadata().addToLabels("palisade.dev/inject", injectLabel).endMetadata();
    }
    admin.namespaces().resource(namespace.build()).createOr(existing -> existing.update());
    // No controller-manager: the ServiceAccount admission plugin wants them to exist.
    for (String serviceAccount : List.of("default", "web")) {
      admin.serviceAccounts().inNamespace(name).resource(new ServiceAccountBuilder()
          .withNewMetadata().withName(serviceAccount).endMetadata().build())
          .createOr(existing -> existing.update());
    }
  }

  private static boolean hasProxy(Pod pod) {
    return pod.getSpec().getInitContainers() != null && names(pod.getSpec().getInitContainers())
        .contains("palisade-proxy");
  }

  private static List<String> names(List<Container> containers) {
    return Objects.requireNonNullElse(containers, List.<Container>of()).stream()
        .map(Container::getName).toList();
  }

  private static List<String> caBundles() {
    MutatingWebhookConfiguration configuration = admin.admissionRegistration().v1()
        .mutatingWebhookConfigurations().withName(WebhookCaBundleReconciler.DEFAULT_CONFIGURATION).get();
    return configuration.getWebhooks().stream().map(MutatingWebhook::getClientConfig)
        .map(config -> Objects.requireNonNullElse(config.getCaBundle(), "")).toList();
  }

  private static java.util.Optional<List<X509Certificate>> caSecretRoots() {
    var secret = admin.secrets().inNamespace(OperatorServiceAccount.NAMESPACE)
        .withName("palisade-ca-inject-it").get();
    if (secret == null || secret.getData() == null || !secret.getData().containsKey("ca.crt")) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(Pem.parseCertificates(new String(Base64.getDecoder()
        .decode(secret.getData().get("ca.crt")), StandardCharsets.US_ASCII)));
  }

  private static CommandLine.Result kubectlCreate(String namespace, String yaml)
      throws IOException {
    Path file = Files.createTempFile("pod", ".yaml");
    try {
      Files.writeString(file, yaml);
      return new Kubectl(controlPlane).run("create", "--namespace=" + namespace, "-f",
          file.toString());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static URI adminUri(String path) {
    return URI.create("http://127.0.0.1:" + servers.adminPort() + path);
  }

  private static HttpResponse<String> adminGet(String path) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(HttpRequest.newBuilder(adminUri(path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }
}
