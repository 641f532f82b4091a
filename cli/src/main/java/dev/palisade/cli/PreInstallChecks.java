package dev.palisade.cli;

import static dev.palisade.cli.CheckResult.fail;
import static dev.palisade.cli.CheckResult.ok;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the cluster must offer before {@code helm install}. */
final class PreInstallChecks {

  /** Native sidecars (restartPolicy Always on init containers) are on by default since 1.29. */
  static final int MIN_MINOR_SIDECARS = 29;
  /** ValidatingAdmissionPolicy is GA (admissionregistration.k8s.io/v1) since 1.30. */
  static final int MIN_MINOR_CHART = 30;

  /** What the chart creates, and so what the installing user must be allowed to create. */
  record Needed(String group, String resource, boolean namespaced) {}

  static final List<Needed> NEEDED = List.of(
      new Needed("apiextensions.k8s.io", "customresourcedefinitions", false),
      new Needed("rbac.authorization.k8s.io", "clusterroles", false),
      new Needed("rbac.authorization.k8s.io", "clusterrolebindings", false),
      new Needed("admissionregistration.k8s.io", "mutatingwebhookconfigurations", false),
      new Needed("admissionregistration.k8s.io", "validatingadmissionpolicies", false),
      new Needed("admissionregistration.k8s.io", "validatingadmissionpolicybindings", false),
      new Needed("", "namespaces", false),
      new Needed("", "serviceaccounts", true),
      new Needed("", "services", true),
      new Needed("apps", "deployments", true),
      new Needed("policy", "poddisruptionbudgets", true),
      new Needed("rbac.authorization.k8s.io", "roles", true),
      new Needed("rbac.authorization.k8s.io", "rolebindings", true));

  private final KubernetesClient client;
  private final String namespace;

  PreInstallChecks(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  List<CheckResult> run() {
    List<CheckResult> results = new ArrayList<>();
    results.add(serverVersion());
    results.add(served("admission-webhooks", "admissionregistration.k8s.io/v1",
        "mutatingwebhookconfigurations", "the MutatingAdmissionWebhook admission plugin and its"
            + " API (injection)"));
    results.add(served("admission-policies", "admissionregistration.k8s.io/v1",
        "validatingadmissionpolicies", "ValidatingAdmissionPolicy (the chart's check that a"
            + " WorkloadCertificate names only identities of its own namespace)"));
    results.add(rbac());
    return results;
  }

  CheckResult serverVersion() {
    VersionInfo version = client.getKubernetesVersion();
    int minor = minor(version.getMinor());
    String text = version.getGitVersion();
    if (!"1".equals(version.getMajor()) || minor < MIN_MINOR_SIDECARS) {
      return fail("kubernetes-version", text + ": native sidecars need 1." + MIN_MINOR_SIDECARS
          + " or later", "upgrade the cluster to Kubernetes 1." + MIN_MINOR_CHART + " or later");
    }
    if (minor < MIN_MINOR_CHART) {
      return fail("kubernetes-version", text + ": the chart needs 1." + MIN_MINOR_CHART
          + " (ValidatingAdmissionPolicy v1)", "upgrade the cluster to Kubernetes 1."
          + MIN_MINOR_CHART + " or later");
    }
    return ok("kubernetes-version", text + " (1." + MIN_MINOR_CHART + " or later: native"
        + " sidecars and ValidatingAdmissionPolicy)");
  }

  /** {@code "30+"} (as some providers write it) is 30. */
  static int minor(String text) {
    Matcher m = Pattern.compile("^(\\d+)").matcher(text == null ? "" : text);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  private CheckResult served(String check, String groupVersion, String resource, String what) {
    APIResourceList list = client.getApiResources(groupVersion);
    boolean served = list != null && list.getResources().stream()
        .map(APIResource::getName).anyMatch(resource::equals);
    return served
        ? ok(check, groupVersion + " " + resource + " is served")
        : fail(check, groupVersion + " " + resource + " is not served: " + what
            + " cannot work", "enable it on the API server (--enable-admission-plugins,"
            + " --runtime-config), or use a Kubernetes release that serves it");
  }

  CheckResult rbac() {
    List<String> denied = new ArrayList<>();
    for (Needed needed : NEEDED) {
      SelfSubjectAccessReview review = new SelfSubjectAccessReviewBuilder().withNewSpec()
          .withNewResourceAttributes()
            .withGroup(needed.group()).withResource(needed.resource()).withVerb("create")
            .withNamespace(needed.namespaced() ? namespace : null)
          .endResourceAttributes()
          .endSpec().build();
      SelfSubjectAccessReview answer = client.authorization().v1().selfSubjectAccessReview()
          .create(review);
      if (answer.getStatus() == null || !Boolean.TRUE.equals(answer.getStatus().getAllowed())) {
        denied.add(needed.resource() + (needed.group().isEmpty() ? "" : "." + needed.group())
            + (needed.namespaced() ? " in " + namespace : ""));
      }
    }
    return denied.isEmpty()
        ? ok("install-rbac", "you may create everything the chart creates")
        : fail("install-rbac", "you may not create " + String.join(", ", denied),
            "install as a cluster administrator (the chart creates cluster-wide objects)");
  }
}
