package dev.palisade.cli;

import static dev.palisade.cli.CheckResult.fail;
import static dev.palisade.cli.CheckResult.ok;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The operator runs: its replicas are ready, and it holds every permission the chart grants. */
final class OperatorChecks {

  private final KubernetesClient client;
  private final Installation installation;

  OperatorChecks(KubernetesClient client, Installation installation) {
    this.client = client;
    this.installation = installation;
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

}
