package dev.palisade.cli;

import static dev.palisade.cli.CheckResult.fail;
import static dev.palisade.cli.CheckResult.ok;
import static dev.palisade.cli.CheckResult.skip;
import static dev.palisade.cli.CheckResult.warn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.palisade.api.v1alpha1.TrustDomain;
import dev.palisade.common.pki.Pem;
import dev.palisade.common.time.KubeDuration;
import dev.palisade.operator.ca.CaSecrets;
import dev.palisade.operator.injection.InjectionContract;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What must hold once Palisade is installed, each verified against the cluster with a fix hint
 * for each failure. Read-only but for one server-side dry-run pod creation.
 */
final class InstallChecks {

  static final List<String> CRD_FILES = List.of(
      "accesspolicies.palisade.dev-v1.yml", "meshpolicies.palisade.dev-v1.yml",
      "trustdomains.palisade.dev-v1.yml", "workloadcertificates.palisade.dev-v1.yml");
  /** As the alerts: warn a month before the root expires, two weeks before the issuer; fail 3 days. */
  static final Duration ROOT_WARNING = Duration.ofDays(30);
  static final Duration ISSUER_WARNING = Duration.ofDays(14);
  static final Duration CRITICAL = Duration.ofDays(3);

  private static final YAMLMapper YAML = new YAMLMapper();

  private final KubernetesClient client;
  private final Installation installation;
  private final Clock clock;
  private final Duration proxyTimeout;

  InstallChecks(KubernetesClient client, Installation installation, Clock clock,
      Duration proxyTimeout) {
    this.client = client;
    this.installation = installation;
    this.clock = clock;
    this.proxyTimeout = proxyTimeout;
  }

  List<CheckResult> run() {
    List<CheckResult> results = new ArrayList<>();
    results.addAll(crds());
    results.add(operatorPods());
    results.addAll(operatorRbac());
    List<TrustDomain> trustDomains = trustDomainsOrEmpty();
    results.addAll(trustDomains(trustDomains));
    results.add(webhookCaBundle(trustDomains));
    List<Namespace> labelled = labelledNamespaces();
    results.add(injection(labelled));
    results.addAll(trustBundles(labelled));
    results.addAll(proxies(trustDomains));
    return results;
  }

  /** Each CRD of the chart is installed with the chart's versions and schemas. */
  List<CheckResult> crds() {
    List<CheckResult> results = new ArrayList<>();
    for (String file : CRD_FILES) {
      JsonNode expected = shippedCrd(file);
      String name = expected.path("metadata").path("name").asText();
      // Generic, not the typed model: the schema compared as the API server stores it.
      GenericKubernetesResource actual = client.genericKubernetesResources(
          "apiextensions.k8s.io/v1", "CustomResourceDefinition").withName(name).get();
      if (actual == null) {
        results.add(fail("crd " + name, "not installed", "kubectl apply --server-side -f"
            + " the chart's crds/ directory (helm installs CRDs only on first install, and never"
            + " upgrades them)"));
        continue;
      }
      JsonNode installed = YAML.valueToTree(actual.getAdditionalProperties().get("spec"));
      Optional<String> difference = schemaDifference(expected.path("spec"), installed);
      results.add(difference.isEmpty()
          ? ok("crd " + name, "installed, same versions and schema as this release's chart")
          : fail("crd " + name, "differs from this release's chart: " + difference.get(),
              "kubectl apply --server-side --force-conflicts -f the chart's crds/ directory (helm"
                  + " upgrade does not upgrade CRDs)"));
    }
    return results;
  }

  /** What differs between the chart's CRD spec and the installed one, in versions and schemas. */
  static Optional<String> schemaDifference(JsonNode expected, JsonNode installed) {
    Map<String, JsonNode> want = versions(expected);
    Map<String, JsonNode> have = versions(installed);
    if (!want.keySet().equals(have.keySet())) {
      return Optional.of("versions " + have.keySet() + ", expected " + want.keySet());
    }
    for (var entry : want.entrySet()) {
      JsonNode w = entry.getValue();
      JsonNode h = have.get(entry.getKey());
      for (String field : List.of("served", "storage")) {
        if (w.path(field).asBoolean() != h.path(field).asBoolean()) {
          return Optional.of("version " + entry.getKey() + " " + field + "="
              + h.path(field).asBoolean());
        }
      }
      Optional<String> at = firstDifference(w.path("schema"), h.path("schema"), "");
      if (at.isPresent()) {
        return Optional.of("version " + entry.getKey() + " has another schema (an older or newer"
            + " release's; first difference at " + at.get() + ")");
      }
    }
    return Optional.empty();
  }

  /** The JSON pointer of the first place where {@code a} and {@code b} differ, if any. */
  static Optional<String> firstDifference(JsonNode a, JsonNode b, String path) {
    if (a.isObject() && b.isObject()) {
      Set<String> fields = new TreeSet<>();
      a.fieldNames().forEachRemaining(fields::add);
      b.fieldNames().forEachRemaining(fields::add);
      for (String field : fields) {
        Optional<String> d = firstDifference(a.path(field), b.path(field), path + "/" + field);
        if (d.isPresent()) {
          return d;
        }
      }
      return Optional.empty();
    }
    if (a.isArray() && b.isArray() && a.size() == b.size()) {
      for (int i = 0; i < a.size(); i++) {
        Optional<String> d = firstDifference(a.get(i), b.get(i), path + "/" + i);
        if (d.isPresent()) {
          return d;
        }
      }
      return Optional.empty();
    }
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0 ? Optional.empty()
          : Optional.of(path.isEmpty() ? "/" : path);
    }
    return a.equals(b) ? Optional.empty() : Optional.of(path.isEmpty() ? "/" : path);
  }

  private static Map<String, JsonNode> versions(JsonNode spec) {
    Map<String, JsonNode> versions = new java.util.TreeMap<>();
    spec.path("versions").forEach(v -> versions.put(v.path("name").asText(), v));
    return versions;
  }

  static JsonNode shippedCrd(String file) {
    try (InputStream in = InstallChecks.class.getResourceAsStream("crds/" + file)) {
      if (in == null) {
        throw new IllegalStateException("the CLI's jar lacks crds/" + file);
      }
      return YAML.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the shipped CRD " + file, e);
    }
  }

  /** The operator's Deployment exists and all its replicas are ready. */
  CheckResult operatorPods() {
    String name = "operator";
    Optional<Deployment> deployment = installation.operator();
    if (deployment.isEmpty()) {
      return fail(name, "no Deployment " + Installation.OPERATOR + " in namespace "
          + installation.namespace(), "helm install palisade charts/palisade -n "
          + installation.namespace() + " --create-namespace, or pass -n with the namespace"
          + " Palisade is installed in");
    }
    Deployment d = deployment.get();
    int wanted = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
    int ready = d.getStatus() == null || d.getStatus().getReadyReplicas() == null ? 0
        : d.getStatus().getReadyReplicas();
    if (wanted == 0) {
      return fail(name, "scaled to zero: no signing, no configuration, and pods of labelled"
          + " namespaces cannot be created (the webhook fails closed)",
          "kubectl scale deployment " + Installation.OPERATOR + " -n " + installation.namespace()
              + " --replicas=2");
    }
    if (ready < wanted) {
      List<String> notReady = client.pods().inNamespace(installation.namespace())
          .withLabels(d.getSpec().getSelector().getMatchLabels()).list().getItems().stream()
          .filter(p -> !isReady(p)).map(p -> p.getMetadata().getName()).toList();
      return fail(name, ready + " of " + wanted + " replicas ready"
          + (notReady.isEmpty() ? "" : "; not ready: " + String.join(", ", notReady)),
          "kubectl describe pod -n " + installation.namespace() + " -l app.kubernetes.io/name="
              + "palisade; kubectl logs -n " + installation.namespace() + " deploy/"
              + Installation.OPERATOR);
    }
    return ok(name, ready + " of " + wanted + " replicas ready");
  }

  static boolean isReady(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Every permission the chart's ClusterRole and Role grant, held by the operator's account. */
  List<CheckResult> operatorRbac() {
    String serviceAccount = installation.operator()
        .map(d -> d.getSpec().getTemplate().getSpec().getServiceAccountName())
        .filter(s -> s != null && !s.isEmpty()).orElse(Installation.OPERATOR);
    String user = "system:serviceaccount:" + installation.namespace() + ":" + serviceAccount;
    List<String> missing = new ArrayList<>();
    int asked = 0;
    for (RbacRules.Permission permission : RbacRules.chart()) {
      asked++;
      ResourceAttributes attributes = new ResourceAttributes();
      attributes.setGroup(permission.group());
      attributes.setResource(permission.resource());
      attributes.setSubresource(permission.subresource());
      attributes.setVerb(permission.verb());
      attributes.setName(permission.name());
      attributes.setNamespace(permission.namespaced() ? installation.namespace() : null);
      SubjectAccessReview review = new SubjectAccessReviewBuilder().withNewSpec()
          .withUser(user)
          .withGroups("system:serviceaccounts", "system:serviceaccounts:"
              + installation.namespace(), "system:authenticated")
          .withResourceAttributes(attributes)
          .endSpec().build();
      SubjectAccessReview answer = client.authorization().v1().subjectAccessReview()
          .create(review);
      if (answer.getStatus() == null || !Boolean.TRUE.equals(answer.getStatus().getAllowed())) {
        missing.add(permission.toString());
      }
    }
    if (!missing.isEmpty()) {
      return List.of(fail("operator-rbac", user + " lacks " + missing.size() + " of the " + asked
          + " permissions the chart grants: " + String.join("; ", missing),
          "helm upgrade palisade charts/palisade -n " + installation.namespace() + " restores the"
              + " ClusterRole, Role and their bindings; check that nothing edits them"));
    }
    return List.of(ok("operator-rbac", user + " holds all " + asked
        + " permissions of the chart's ClusterRole and Role"));
  }

  private List<TrustDomain> trustDomainsOrEmpty() {
    try {
      return client.resources(TrustDomain.class).list().getItems();
    } catch (KubernetesClientException e) {
      return List.of(); // no CRD: reported by the CRD check
    }
  }

  /** Each TrustDomain Ready, with root and issuer far enough from expiry. */
  List<CheckResult> trustDomains(List<TrustDomain> trustDomains) {
    List<CheckResult> results = new ArrayList<>();
    String operatorDomain = installation.trustDomain();
    if (trustDomains.stream().noneMatch(td -> td.getSpec() != null
        && operatorDomain.equals(td.getSpec().trustDomain))) {
      results.add(fail("trustdomain", "no TrustDomain has spec.trustDomain " + operatorDomain
          + ", the operator's (PALISADE_TRUST_DOMAIN): nothing can be signed",
          "kubectl apply -f examples/10-trustdomain.yaml (with spec.trustDomain: " + operatorDomain
              + ")"));
    }
    Instant now = clock.instant();
    for (TrustDomain td : trustDomains) {
      String name = "trustdomain " + td.getMetadata().getName();
      var status = td.getStatus();
      Optional<Condition> ready = status == null ? Optional.empty()
          : status.conditions.stream().filter(c -> "Ready".equals(c.getType())).findFirst();
      if (ready.isEmpty() || !"True".equals(ready.get().getStatus())) {
        results.add(fail(name, "not Ready" + ready.map(c -> " (" + c.getReason() + ": "
                + c.getMessage() + ")").orElse(" (no Ready condition: is the operator running?)"),
            "kubectl describe trustdomain " + td.getMetadata().getName()
                + " (its Events say why); docs/ca.md#when-things-go-wrong"));
        continue;
      }
      List<String> problems = new ArrayList<>();
      boolean critical = false;
      for (var entry : List.of(Map.entry("root", ROOT_WARNING), Map.entry("issuer", ISSUER_WARNING))) {
        var summary = entry.getKey().equals("root") ? status.root : status.issuer;
        if (summary == null || summary.notAfter == null) {
          problems.add("status has no " + entry.getKey() + " expiry");
          continue;
        }
        Duration left = Duration.between(now, Instant.parse(summary.notAfter));
        if (left.compareTo(CRITICAL) < 0) {
          critical = true;
          problems.add(entry.getKey() + " expires in " + human(left));
        } else if (left.compareTo(entry.getValue()) < 0) {
          problems.add(entry.getKey() + " expires in " + human(left));
        }
      }
      String expiries = "root until " + (status.root == null ? "?" : status.root.notAfter)
          + ", issuer until " + (status.issuer == null ? "?" : status.issuer.notAfter);
      if (problems.isEmpty()) {
        results.add(ok(name, "Ready; " + expiries));
      } else if (critical) {
        results.add(fail(name, String.join("; ", problems), "rotation should have happened long"
            + " ago: kubectl describe trustdomain " + td.getMetadata().getName()
            + "; docs/ca.md#when-things-go-wrong"));
      } else {
        results.add(warn(name, String.join("; ", problems) + " (" + expiries + ")",
            "a generated root rotates a year before expiry and the issuer 30 days before; an"
                + " imported root when its Secret changes: see docs/ca.md"));
      }
    }
    return results;
  }

  /**
   * The webhook configuration exists and its caBundle verifies the operator's serving
   * certificate. That certificate lives only in the operator's memory, issued by its trust
   * domain's issuer; so the check is that the issuer (from the CA Secret) is signed by a
   * certificate of the caBundle, and the trust domain's current root (status fingerprint) is in it.
   */
  CheckResult webhookCaBundle(List<TrustDomain> trustDomains) {
    String name = "webhook";
    MutatingWebhookConfiguration configuration = client.admissionRegistration().v1()
        .mutatingWebhookConfigurations().withName(Installation.WEBHOOK_CONFIGURATION).get();
    if (configuration == null) {
      return fail(name, "no MutatingWebhookConfiguration " + Installation.WEBHOOK_CONFIGURATION
          + ": nothing is injected", "helm upgrade palisade charts/palisade -n "
          + installation.namespace());
    }
    String domain = installation.trustDomain();
    Optional<TrustDomain> td = trustDomains.stream()
        .filter(t -> t.getSpec() != null && domain.equals(t.getSpec().trustDomain)).findFirst();
    String restore = "the operator writes the caBundle from its trust domain's roots (and"
        + " restores it when edited): check that it runs and its trust domain is Ready; kubectl"
        + " logs -n " + installation.namespace() + " deploy/" + Installation.OPERATOR;
    List<String> problems = new ArrayList<>();
    for (MutatingWebhook webhook : configuration.getWebhooks()) {
      String bundle = webhook.getClientConfig() == null ? null
          : webhook.getClientConfig().getCaBundle();
      if (bundle == null || bundle.isEmpty()) {
        problems.add(webhook.getName() + " has no caBundle");
        continue;
      }
      List<X509Certificate> certificates;
      try {
        certificates = Pem.parseCertificates(new String(Base64.getDecoder().decode(bundle),
            StandardCharsets.US_ASCII));
      } catch (RuntimeException e) {
        problems.add(webhook.getName() + " has a caBundle that is not base64 PEM certificates");
        continue;
      }
      if (td.isPresent()) {
        Optional<String> problem = verifies(certificates, td.get());
        problem.ifPresent(p -> problems.add(webhook.getName() + ": " + p));
      }
      var service = webhook.getClientConfig().getService();
      if (service != null && client.services().inNamespace(service.getNamespace())
          .withName(service.getName()).get() == null) {
        problems.add(webhook.getName() + " calls Service " + service.getNamespace() + "/"
            + service.getName() + ", which does not exist");
      }
    }
    if (!problems.isEmpty()) {
      return fail(name, String.join("; ", problems), restore);
    }
    if (td.isEmpty()) {
      return skip(name, configuration.getWebhooks().size() + " webhook(s) with a caBundle; not"
          + " verified: no TrustDomain for " + domain);
    }
    return ok(name, configuration.getWebhooks().size() + " webhook(s); each caBundle holds the"
        + " root of " + domain + " that signs the operator's issuer, and so its serving"
        + " certificate");
  }

  /** Why {@code bundle} does not verify the serving certificates of {@code td}, if it does not. */
  private Optional<String> verifies(List<X509Certificate> bundle, TrustDomain td) {
    if (td.getStatus() != null && td.getStatus().root != null
        && td.getStatus().root.fingerprint != null) {
      String fingerprint = td.getStatus().root.fingerprint;
      if (bundle.stream().map(InstallChecks::fingerprint)
          .noneMatch(fingerprint::equalsIgnoreCase)) {
        return Optional.of("the caBundle lacks the current root of trust domain "
            + td.getSpec().trustDomain + " (SHA-256 " + fingerprint + "), so the API server"
            + " cannot verify the operator's serving certificate");
      }
    }
    Secret secret;
    try {
      secret = client.secrets().inNamespace(installation.namespace())
          .withName(CaSecrets.name(td.getMetadata().getName())).get();
    } catch (KubernetesClientException e) {
      return Optional.empty(); // not allowed to read Secrets: the fingerprint had to do
    }
    if (secret == null || secret.getData() == null || secret.getData().get("issuer.crt") == null) {
      return Optional.empty();
    }
    X509Certificate issuer = Pem.parseCertificates(new String(Base64.getDecoder()
        .decode(secret.getData().get("issuer.crt")), StandardCharsets.US_ASCII)).getFirst();
    for (X509Certificate root : bundle) {
      try {
        issuer.verify(root.getPublicKey());
        return Optional.empty();
      } catch (java.security.GeneralSecurityException e) {
        // not this one
      }
    }
    return Optional.of("no certificate of the caBundle signed the issuer of trust domain "
        + td.getSpec().trustDomain + ", which signs the operator's serving certificate");
  }

  static String fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(certificate.getEncoded()));
    } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<Namespace> labelledNamespaces() {
    // Terminating namespaces accept no new pods and lose their ConfigMaps: not checked.
    return client.namespaces().withLabel(InjectionContract.NAMESPACE_LABEL,
        InjectionContract.ENABLED).list().getItems().stream()
        .filter(n -> n.getMetadata().getDeletionTimestamp() == null).toList();
  }

  /** A server-side dry-run pod in a labelled namespace comes back with the proxy. */
  CheckResult injection(List<Namespace> labelled) {
    String name = "injection";
    if (labelled.isEmpty()) {
      return skip(name, "no namespace is labelled " + InjectionContract.NAMESPACE_LABEL + "="
          + InjectionContract.ENABLED + ", so no dry-run pod was made (label one: kubectl label"
          + " namespace NAME " + InjectionContract.NAMESPACE_LABEL + "=enabled)");
    }
    String namespace = labelled.getFirst().getMetadata().getName();
    Pod probe = new PodBuilder().withNewMetadata().withGenerateName("palisade-check-")
        .withNamespace(namespace).endMetadata()
        .withNewSpec().addNewContainer().withName("check").withImage("palisade/check:dry-run")
        .endContainer().endSpec().build();
    Pod created;
    try {
      created = client.pods().inNamespace(namespace).resource(probe).dryRun().create();
    } catch (KubernetesClientException e) {
      return fail(name, "a dry-run pod in namespace " + namespace + " was refused: "
          + e.getMessage(), "the webhook fails closed for labelled namespaces: the operator"
          + " must be running and reachable from the API server (Service "
          + Installation.OPERATOR + " port 443 to the pods' 8443); docs/injection.md#debugging");
    }
    boolean injected = created.getSpec().getInitContainers() != null
        && created.getSpec().getInitContainers().stream()
            .anyMatch(c -> InjectionContract.PROXY_CONTAINER.equals(c.getName()));
    return injected
        ? ok(name, "a dry-run pod in namespace " + namespace + " came back with "
            + InjectionContract.PROXY_CONTAINER)
        : fail(name, "a dry-run pod in namespace " + namespace + " came back without "
            + InjectionContract.PROXY_CONTAINER, "the webhook did not run: is MutatingWebhook"
            + "Configuration " + Installation.WEBHOOK_CONFIGURATION + " intact (namespaceSelector)?"
            + " Is the MutatingAdmissionWebhook admission plugin on?");
  }

  /** The trust bundle ConfigMap in every labelled namespace, parseable, the operator's. */
  List<CheckResult> trustBundles(List<Namespace> labelled) {
    if (labelled.isEmpty()) {
      return List.of(skip("trust-bundles", "no labelled namespace"));
    }
    Set<String> published = bundleFingerprints(installation.namespace()).orElse(Set.of());
    List<String> missing = new ArrayList<>();
    List<String> stale = new ArrayList<>();
    for (Namespace namespace : labelled) {
      String ns = namespace.getMetadata().getName();
      Optional<Set<String>> fingerprints = bundleFingerprints(ns);
      if (fingerprints.isEmpty()) {
        missing.add(ns);
      } else if (!published.isEmpty() && !fingerprints.get().equals(published)) {
        stale.add(ns);
      }
    }
    String hint = "the operator publishes ConfigMap " + InjectionContract.TRUST_BUNDLE_CONFIG_MAP
        + " (key " + InjectionContract.TRUST_BUNDLE_KEY + ") into every labelled namespace: check"
        + " that it runs and is leader (kubectl logs -n " + installation.namespace() + " deploy/"
        + Installation.OPERATOR + "); proxies cannot start without it";
    if (!missing.isEmpty()) {
      return List.of(fail("trust-bundles", "missing or without a PEM " + InjectionContract
          .TRUST_BUNDLE_KEY + " in " + String.join(", ", missing), hint));
    }
    if (!stale.isEmpty()) {
      return List.of(warn("trust-bundles", "differs from the one in " + installation.namespace()
          + " in " + String.join(", ", stale) + " (a rotation being propagated?)", hint));
    }
    return List.of(ok("trust-bundles", "present in all " + labelled.size()
        + " labelled namespace(s)"));
  }

  private Optional<Set<String>> bundleFingerprints(String namespace) {
    ConfigMap configMap = client.configMaps().inNamespace(namespace)
        .withName(InjectionContract.TRUST_BUNDLE_CONFIG_MAP).get();
    if (configMap == null || configMap.getData() == null
        || configMap.getData().get(InjectionContract.TRUST_BUNDLE_KEY) == null) {
      return Optional.empty();
    }
    try {
      List<X509Certificate> certificates = Pem.parseCertificates(
          configMap.getData().get(InjectionContract.TRUST_BUNDLE_KEY));
      return certificates.isEmpty() ? Optional.empty() : Optional.of(certificates.stream()
          .map(InstallChecks::fingerprint).collect(Collectors.toCollection(TreeSet::new)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Proxies whose certificate is past its renewal point, from their own /metrics. */
  List<CheckResult> proxies(List<TrustDomain> trustDomains) {
    List<Pod> pods = client.pods().inAnyNamespace()
        .withLabel(InjectionContract.PROXY_LABEL, InjectionContract.INJECTED).list().getItems()
        .stream().filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())
            && p.getMetadata().getDeletionTimestamp() == null)
        .toList();
    if (pods.isEmpty()) {
      return List.of(skip("proxy-certificates", "no running injected pod"));
    }
    String domain = installation.trustDomain();
    var workloads = trustDomains.stream().filter(t -> t.getSpec() != null
            && domain.equals(t.getSpec().trustDomain) && t.getSpec().workloadCertificates != null)
        .map(t -> t.getSpec().workloadCertificates).findFirst();
    Duration lifetime = workloads.map(w -> w.lifetime).map(KubeDuration::parse)
        .orElse(Duration.ofHours(24));
    Duration renewBefore = workloads.map(w -> w.renewBefore).map(KubeDuration::parse).orElse(null);
    Instant now = clock.instant();
    List<String> late = new ArrayList<>();
    List<String> unreachable = new ArrayList<>();
    int checked = 0;
    for (Pod pod : pods) {
      String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
      try {
        Optional<Instant> expiry = ProxyAdmin.certificateExpiry(
            ProxyAdmin.get(client, pod, "/metrics", proxyTimeout));
        checked++;
        if (expiry.isEmpty()) {
          late.add(key + " (no certificate yet)");
        } else if (ProxyAdmin.pastRenewal(expiry.get(), lifetime, renewBefore, now)) {
          late.add(key + " (expires " + expiry.get() + ")");
        }
      } catch (RuntimeException e) {
        unreachable.add(key);
      }
    }
    List<CheckResult> results = new ArrayList<>();
    if (!late.isEmpty()) {
      results.add(fail("proxy-certificates", late.size() + " of " + checked
          + " proxies serve a certificate past its renewal point: " + String.join(", ", late),
          "kubectl logs POD -c " + InjectionContract.PROXY_CONTAINER + " -n NAMESPACE (its"
              + " renewals), and the operator's signing refusals; docs/sidecar.md"));
    } else if (checked > 0) {
      results.add(ok("proxy-certificates", "all " + checked + " reachable proxies renewed in time"));
    }
    if (!unreachable.isEmpty()) {
      results.add(skip("proxy-certificates", unreachable.size() + " proxies not reachable through"
          + " the API server's pod proxy (port " + ProxyAdmin.ADMIN_PORT + "; needs pods/proxy"
          + " and an API server that reaches pod IPs), not checked: "
          + String.join(", ", unreachable.subList(0, Math.min(10, unreachable.size())))
          + (unreachable.size() > 10 ? ", ..." : "")));
    }
    return results;
  }

  static String human(Duration d) {
    if (d.isNegative()) {
      return "the past (" + human(d.negated()) + " ago)";
    }
    return d.toDays() > 0 ? d.toDays() + "d" + d.toHoursPart() + "h"
        : d.toHours() > 0 ? d.toHours() + "h" + d.toMinutesPart() + "m"
        : d.toMinutes() + "m" + d.toSecondsPart() + "s";
  }
}
